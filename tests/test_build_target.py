"""`tm build-target`: the translated article rebuilt from the bilingual file alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from tm.errors import FormatError
from tm.services.memory import import_files
from tm.services.pretranslate import build_target, pretranslate, target_name
from tm.store import Store

DATA = Path(__file__).parent / "data" / "pretranslate"
X2 = "urn:oasis:names:tc:xliff:document:2.0"


@pytest.fixture
def mini_store(store: Store) -> Store:
    import_files(store, [DATA / "mini.tmx"], memory="oncology")
    return store


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_build_target_keeps_inline_markup(mini_store: Store, tmp_path: Path) -> None:
    article = _write(
        tmp_path,
        "a.en.html",
        "<html><body><p>Lymph nodes near the <b>breast</b> are examined during surgery."
        "</p></body></html>",
    )
    out = tmp_path / "job.xlf"
    pretranslate(
        mini_store,
        [article],
        source_lang="en",
        target_lang="es",
        memory="oncology",
        out=out,
        use_glossary=False,
    )
    tree = etree.parse(str(out))
    target = tree.find(f".//{{{X2}}}segment/{{{X2}}}target")
    assert target is not None  # the fuzzy match (tag penalty) was applied
    # The translator puts the bold tag where it belongs in Spanish.
    source = tree.find(f".//{{{X2}}}segment/{{{X2}}}source")
    assert source is not None
    code = next(iter(source))
    for child in list(target):
        target.remove(child)
    target.text = "Durante la cirugía se examinan los ganglios linfáticos cercanos a la "
    new = etree.SubElement(target, code.tag, dict(code.attrib))
    new.text = "mama"
    new.tail = "."
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    built = tmp_path / "a.es.html"
    build_target(out, built)
    assert "cercanos a la <b>mama</b>." in built.read_text(encoding="utf-8")


def test_several_documents_go_to_a_folder(mini_store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _write(folder, "one.en.txt", "Breast cancer can recur after treatment.\n")
    _write(folder, "two.en.md", "# Recurrence may be local or regional.\n")
    out = tmp_path / "job"
    result = pretranslate(
        mini_store,
        [folder],
        source_lang="en",
        target_lang="es",
        memory="oncology",
        out=out,
        use_glossary=False,
    )
    built = tmp_path / "built"
    built.mkdir()  # an existing folder: each article goes inside with its target name
    for bilingual in result.outputs:
        build_target(bilingual, built)
    assert sorted(p.name for p in built.iterdir()) == ["one.es.txt", "two.es.md"]
    assert (built / "two.es.md").read_text(encoding="utf-8") == (
        "# La recidiva puede ser local o regional.\n"
    )


def test_a_bilingual_file_without_skeleton_is_refused(tmp_path: Path) -> None:
    foreign = _write(
        tmp_path,
        "foreign.xlf",
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" '
        'trgLang="es"><file id="f"><unit id="u"><segment><source>A</source><target>B</target>'
        "</segment></unit></file></xliff>",
    )
    with pytest.raises(FormatError, match="no embedded skeleton"):
        build_target(foreign, tmp_path / "out.txt")


@pytest.mark.parametrize(
    ("name", "src", "tgt", "expected"),
    [
        ("article.en.txt", "en", "es", "article.es.txt"),
        ("article.en-GB.md", "en-GB", "zh-Hans", "article.zh-Hans.md"),
        ("article.txt", "en", "es", "article.es.txt"),
        ("README", "en", "fr", "README.fr"),
    ],
    ids=["language-part", "regional-tag", "no-language-part", "no-suffix"],
)
def test_target_names(name: str, src: str, tgt: str, expected: str) -> None:
    assert target_name(name, src, tgt) == expected
