"""`tm check` as CI runs it: real files, the shipped glossary, exit codes, baselines, config."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from cli.main import app
from tm.services.memory import import_files
from tm.store import Store

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
CHECK = DATA / "check"
GLOSSARY = str(CHECK / "glossary.toml")
SEEDS = CHECK / "seeds"

PO = """msgid ""
msgstr ""
"Language: {lang}\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

{entries}
"""


def write_po(path: Path, entries: list[tuple[str, str]], lang: str = "es") -> Path:
    body = "\n".join(f'msgid "{s}"\nmsgstr "{t}"\n' for s, t in entries)
    path.write_text(PO.format(lang=lang, entries=body), encoding="utf-8")
    return path


def check(*args: str) -> tuple[int, dict]:
    """Run `tm check ... --format json` and return the exit code and the parsed report."""
    result = runner.invoke(app, ["check", *args, "--format", "json", "--no-config"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.stdout)


# -- the seed articles: every mistranslation is flagged by the shipped glossary ---------

SEED_ERRORS = {
    "000_e80bb2475e94a7de.txt": [
        "whole mammography", "armpit lymphocytes cleaning", "lymphoma system",
        "assistive treatment", "re-emergence", "oncological beds", "whole-body treatment",
        "minor transfers", "who are hormonal receptors", "mosaic", "aromatic inhibitors",
        "Target treatment", "positive breast cancers in Her2", "Immunization treatment",
    ],
    "001_3d69a0910770bd6b.txt": [
        "re-transmittance", "Re-emergence", "original hair", "lymphoma knots",
        "low degree of carcinoma", "degree of virulence", "release of chemotherapy",
        "place of transfer", "transfer to the lung", "crayon", "transfer to the liver",
        "yellow salivation", "transfer to the bones", "Target therapy", "target points",
    ],
    "004_9fc77f41962f76c4.txt": [
        "breast tube cells", "adenocytes", "distal metastases", "Remote metastasis",
        "unreasonable weight loss", "blood phlegm",
    ],
}  # fmt: skip


def test_every_seed_mistranslation_is_flagged_with_the_shipped_glossary() -> None:
    code, report = check(str(SEEDS), "--glossary", "oncology")
    assert code == 1
    assert report["errors"] == []
    forbidden = {
        (Path(f["file"]).name, f["found"])
        for f in report["findings"]
        if f["rule"] == "forbidden-term"
    }
    missing = [
        (name, phrase)
        for name, phrases in SEED_ERRORS.items()
        for phrase in phrases
        if (name, phrase) not in forbidden
    ]
    assert missing == []
    for f in report["findings"]:
        assert f["expected"], f  # every finding says what to use instead
        assert f["line"] and f["column"] and f["target_lang"] == "en"
    # The one well-translated seed article stays clean of errors.
    assert not [f for f in report["findings"] if f["file"].endswith("002_e6a91a1997d7ac01.txt")]


# -- exit codes and input errors ------------------------------------------------------------


def test_clean_file_exits_0_and_findings_exit_1(tmp_path: Path) -> None:
    good = write_po(
        tmp_path / "good.po", [("Neoadjuvant chemotherapy", "Quimioterapia neoadyuvante")]
    )
    bad = write_po(
        tmp_path / "bad.po", [("Neoadjuvant chemotherapy works", "La quimioterapia funciona")]
    )
    code, report = check(str(good), "--glossary", GLOSSARY)
    assert (code, report["findings"]) == (0, [])
    assert report["summary"]["units"] == 1
    code, report = check(str(good), str(bad), "--glossary", GLOSSARY)
    assert code == 1
    (finding,) = report["findings"]
    assert finding["file"] == str(bad) and finding["line"] == 6
    assert finding["rule"] == "missing-term"
    assert finding["expected"] == ["quimioterapia neoadyuvante"]


def test_unreadable_and_unknown_files_exit_2_and_others_are_still_reported(tmp_path: Path) -> None:
    bad = write_po(tmp_path / "bad.po", [("Neoadjuvant chemotherapy", "Quimioterapia")])
    broken = tmp_path / "broken.xlf"
    broken.write_text('<?xml version="1.0"?>\n<xliff version="1.2">\n<file>', encoding="utf-8")
    unknown = tmp_path / "notes.dat"
    unknown.write_bytes(b"\x00\x01\x02 just bytes")
    code, report = check(
        str(broken), str(bad), str(unknown), str(tmp_path / "gone.po"), "--glossary", GLOSSARY
    )
    assert code == 2
    assert [f["rule"] for f in report["findings"]] == ["missing-term"]
    errors = {Path(e["file"]).name: e["message"] for e in report["errors"]}
    assert set(errors) == {"broken.xlf", "notes.dat", "gone.po"}
    assert "cannot tell the format" in errors["notes.dat"]
    assert "no such file" in errors["gone.po"]
    assert report["summary"]["errors"] == 3


def test_text_report_on_stderr_and_stdout_for_input_errors(tmp_path: Path) -> None:
    bad = write_po(tmp_path / "bad.po", [("Tamoxifen", "Tamoxifeno")], lang="en")
    result = runner.invoke(
        app,
        ["check", str(bad), str(tmp_path / "missing.po"), "--glossary", GLOSSARY, "--no-config"],
    )
    assert result.exit_code == 2
    assert f"{tmp_path / 'missing.po'}: input error no such file or folder" in result.stdout


def test_fail_on_levels(tmp_path: Path) -> None:
    warn = write_po(tmp_path / "w.po", [("Endocrine therapy", "Antihormontherapie")], lang="de")
    assert check(str(warn), "--glossary", GLOSSARY)[0] == 0
    assert check(str(warn), "--glossary", GLOSSARY, "--fail-on", "warning")[0] == 1
    err = write_po(tmp_path / "e.po", [("Tamoxifen", "Brustkrebs")], lang="de")
    assert check(str(err), "--glossary", GLOSSARY, "--fail-on", "never")[0] == 0


def test_bad_options_are_usage_errors(tmp_path: Path) -> None:
    po = write_po(tmp_path / "a.po", [("Tamoxifen", "Tamoxifeno")])
    for args in (["--fail-on", "sometimes"], ["--rules", "missing-terms"], ["--format", "xml"],
                 ["--severity", "missing-term"], ["--glossary", "no-such-glossary"]):  # fmt: skip
        result = runner.invoke(app, ["check", str(po), "--no-config", *args])
        assert result.exit_code == 2, (args, result.output)
    result = runner.invoke(app, ["check", "--no-config"])
    assert result.exit_code == 2 and "nothing to check" in result.output


def test_rules_and_severity_options(tmp_path: Path) -> None:
    po = write_po(
        tmp_path / "a.po", [("他莫昔芬和新辅助化疗", "mosaic and chemotherapy")], lang="en"
    )
    opts = ["--glossary", GLOSSARY, "--source-lang", "zh-Hans"]
    _, report = check(str(po), *opts)
    assert sorted(f["rule"] for f in report["findings"]) == ["forbidden-term", "missing-term"]
    _, report = check(str(po), *opts, "--rules", "forbidden-term")
    assert [f["rule"] for f in report["findings"]] == ["forbidden-term"]
    _, report = check(str(po), *opts, "--severity", "forbidden-term=warning",
                      "--rules", "forbidden-term", "--rules", "missing-term")  # fmt: skip
    assert sorted((f["rule"], f["severity"]) for f in report["findings"]) == [
        ("forbidden-term", "warning"),
        ("missing-term", "error"),
    ]


# -- inputs: folders, globs, languages --------------------------------------------------


def test_folders_and_globs(tmp_path: Path) -> None:
    (tmp_path / "es").mkdir()
    (tmp_path / ".git").mkdir()
    write_po(tmp_path / "es" / "a.po", [("Neoadjuvant chemotherapy", "Quimioterapia")])
    write_po(tmp_path / ".git" / "hidden.po", [("Neoadjuvant chemotherapy", "Quimioterapia")])
    (tmp_path / "es" / "readme.rst").write_text("mosaic", encoding="utf-8")
    _, report = check(str(tmp_path), "--glossary", GLOSSARY)
    assert [Path(f).name for f in map(str, [r["file"] for r in report["findings"]])] == ["a.po"]
    assert report["summary"]["files"] == 1
    _, report = check(str(tmp_path / "**" / "*.po"), "--glossary", GLOSSARY)
    assert report["summary"]["files"] == 1
    code, report = check(str(tmp_path / "*.xlf"), "--glossary", GLOSSARY)
    assert code == 2 and "no file matches" in report["errors"][0]["message"]


def test_po_language_header_wins_over_target_lang(tmp_path: Path) -> None:
    de = write_po(tmp_path / "de.po", [("Breast cancer", "Brustkrebs")], lang="de")
    code, report = check(str(de), "--glossary", GLOSSARY, "--target-lang", "es")
    assert (code, report["findings"]) == (0, [])


def test_tmx_checks_every_pair_or_the_one_asked_for(tmp_path: Path) -> None:
    tmx = tmp_path / "m.tmx"
    tmx.write_text(
        '<?xml version="1.0"?><tmx version="1.4"><header creationtool="t" creationtoolversion="1"'
        ' segtype="sentence" o-tmf="t" adminlang="en" srclang="en" datatype="plaintext"/><body>'
        '<tu><tuv xml:lang="en"><seg>Neoadjuvant chemotherapy</seg></tuv>'
        '<tuv xml:lang="es"><seg>Quimioterapia</seg></tuv>'
        '<tuv xml:lang="fr"><seg>Chimiothérapie</seg></tuv>'
        '<tuv xml:lang="de"><seg>neoadjuvante Chemotherapie</seg></tuv></tu></body></tmx>',
        encoding="utf-8",
    )
    _, report = check(str(tmx), "--glossary", GLOSSARY)
    assert sorted(f["target_lang"] for f in report["findings"]) == ["es", "fr"]
    _, report = check(str(tmx), "--glossary", GLOSSARY, "--target-lang", "fr")
    assert [f["target_lang"] for f in report["findings"]] == ["fr"]


def test_tsv_columns_name_the_languages(tmp_path: Path) -> None:
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text(
        "en\tde\nNeoadjuvant chemotherapy\tChemotherapie\nLymph nodes\tLymphknoten\n",
        encoding="utf-8",
    )
    code, report = check(str(tsv), "--glossary", GLOSSARY)
    assert code == 1
    assert [
        (f["line"], f["concept"], f["source_lang"], f["target_lang"]) for f in report["findings"]
    ] == [(2, "neoadjuvant-chemotherapy", "en", "de")]


def test_article_language_is_guessed_or_given(tmp_path: Path) -> None:
    article = tmp_path / "a.md"
    article.write_text("# Therapy\n\nDrugs such as mosaic are commonly used.\n", encoding="utf-8")
    _, report = check(str(article), "--glossary", GLOSSARY)
    assert [(f["found"], f["line"], f["column"], f["target_lang"]) for f in report["findings"]] == [
        ("mosaic", 3, 15, "en")
    ]
    html = tmp_path / "a.html"
    html.write_text(
        '<html lang="en"><body><h1>Therapy</h1>\n<p>Drugs such as <b>mosaic</b>.</p>\n'
        "<!-- tm-check: ignore -->\n<p>Quoted: mosaic</p></body></html>",
        encoding="utf-8",
    )
    _, report = check(str(html), "--glossary", GLOSSARY)
    assert [(f["found"], f["line"]) for f in report["findings"]] == [("mosaic", 2)]
    assert report["summary"]["suppressed"] == 1


# -- baselines ------------------------------------------------------------------------------


def test_baseline_fails_only_on_new_findings_and_survives_line_moves(tmp_path: Path) -> None:
    po = tmp_path / "es.po"
    write_po(
        po, [("Neoadjuvant chemotherapy", "Quimioterapia"), ("Breast cancer", "El breast cancer")]
    )
    baseline = tmp_path / "baseline.json"
    result = runner.invoke(app, ["check", str(po), "--glossary", GLOSSARY, "--no-config",
                                 "--write-baseline", str(baseline)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(json.loads(baseline.read_text("utf-8"))["findings"]) == 2
    # New entries above the old ones move every line; the known findings stay known.
    write_po(po, [("Tamoxifen", "Tamoxifeno"), ("Lymph node", "Ganglio linfático"),
                  ("Neoadjuvant chemotherapy", "Quimioterapia"),
                  ("Breast cancer", "El breast cancer")])  # fmt: skip
    code, report = check(str(po), "--glossary", GLOSSARY, "--baseline", str(baseline))
    assert (code, report["findings"], report["summary"]["baselined"]) == (0, [], 2)
    write_po(po, [("Tamoxifen", "Mosaico"), ("Neoadjuvant chemotherapy", "Quimioterapia"),
                  ("Breast cancer", "El breast cancer")])  # fmt: skip
    code, report = check(str(po), "--glossary", GLOSSARY, "--baseline", str(baseline))
    assert code == 1
    assert [(f["rule"], f["concept"]) for f in report["findings"]] == [
        ("missing-term", "tamoxifen")
    ]


# -- output formats through the CLI -----------------------------------------------------------


def test_sarif_file_output_validates(tmp_path: Path) -> None:
    schema = json.loads((DATA / "schemas" / "sarif-schema-2.1.0.json").read_text("utf-8"))
    out = tmp_path / "tm.sarif"
    result = runner.invoke(app, ["check", str(CHECK / "labelled"), "--glossary", GLOSSARY,
                                 "--source-lang", "zh-Hans", "--format", "sarif", "-o", str(out),
                                 "--no-config"])  # fmt: skip
    assert result.exit_code == 1
    assert result.stdout == ""
    log = json.loads(out.read_text("utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    assert len(log["runs"][0]["results"]) >= 29


def test_github_format_is_the_default_inside_github_actions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    po = write_po(tmp_path / "es.po", [("Neoadjuvant chemotherapy", "Quimioterapia")])
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = runner.invoke(app, ["check", str(po), "--glossary", GLOSSARY, "--no-config"])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"::error file={po},line=6,title=tm check missing-term::")


def test_junit_output(tmp_path: Path) -> None:
    po = write_po(tmp_path / "es.po", [("Neoadjuvant chemotherapy", "Quimioterapia")])
    result = runner.invoke(
        app, ["check", str(po), "--glossary", GLOSSARY, "--no-config", "--format", "junit"]
    )
    assert result.exit_code == 1
    assert '<failure message="source term' in result.stdout


# -- configuration -------------------------------------------------------------------------------


def test_config_file_supplies_paths_glossary_and_severities(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "locale").mkdir()
    write_po(
        tmp_path / "locale" / "de.po", [("Endocrine therapy", "Antihormontherapie")], lang="de"
    )
    shutil.copy(GLOSSARY, tmp_path / "terms.toml")
    (tmp_path / ".tm.toml").write_text(
        '[check]\npaths = ["locale"]\nglossary = ["terms.toml"]\n'
        '[check.severity]\ndeprecated-term = "error"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["check", "--format", "json"])
    assert result.exit_code == 1, result.output
    (finding,) = json.loads(result.stdout)["findings"]
    assert (finding["file"], finding["severity"]) == (str(Path("locale") / "de.po"), "error")
    # --no-config ignores it: nothing to check any more.
    assert runner.invoke(app, ["check", "--no-config"]).exit_code == 2


# -- a stored memory ----------------------------------------------------------------------------


def test_memory_is_checked_from_the_database(any_store: Store) -> None:
    import_files(any_store, [CHECK / "labelled" / "en-de.tmx"], memory="onc-de")
    db = any_store.url
    code, report = check("--memory", "onc-de", "--db", db, "--glossary", GLOSSARY)
    assert code == 1
    assert {f["file"] for f in report["findings"]} == {"memory:onc-de"}
    assert ("missing-term", "neoadjuvant-chemotherapy") in {
        (f["rule"], f["concept"]) for f in report["findings"]
    }
    assert report["summary"]["units"] == 17
    result = runner.invoke(app, ["check", "--memory", "no-such", "--db", db, "--no-config"])
    assert result.exit_code == 2
    assert "no-such" in result.output


def test_glossary_files_alone_need_no_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An unusable database URL does not matter unless --memory asks for it.
    monkeypatch.setenv("TM_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    po = write_po(tmp_path / "es.po", [("Neoadjuvant chemotherapy", "Quimioterapia neoadyuvante")])
    code, report = check(str(po), "--glossary", GLOSSARY)
    assert (code, report["findings"], report["errors"]) == (0, [], [])


# -- pre-commit -------------------------------------------------------------------------------


def test_pre_commit_hook_definition() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    (hook,) = hooks
    assert hook["id"] == "tm-check"
    assert hook["entry"] == "tm check"
    assert hook["language"] == "python"
    assert hook["require_serial"] is True
    import re

    pattern = re.compile(hook["files"])
    assert all(pattern.search(n) for n in ("locale/es.po", "a.xlf", "b.xliff", "m.tmx"))
    assert not pattern.search("README.md")


GUESSES = [
    ("Drugs such as tamoxifen are used after surgery for breast cancer.", "en"),
    ("El tamoxifeno se usa después de la cirugía del cáncer de mama en las mujeres.", "es"),
    ("Le tamoxifène est utilisé après la chirurgie du cancer du sein chez les femmes.", "fr"),
    ("Tamoxifen wird nach der Operation von Brustkrebs bei den Frauen eingesetzt.", "de"),
    ("他莫昔芬用于乳腺癌术后的内分泌治疗。", "zh-Hans"),
    ("12345 — 67890", None),
]


@pytest.mark.parametrize("text,lang", GUESSES, ids=[g[1] or "none" for g in GUESSES])
def test_article_language_guess(text: str, lang: str | None) -> None:
    from tm.services.check import guess_language

    assert guess_language(text, ["en", "zh-Hans", "es", "fr", "de"]) == lang
