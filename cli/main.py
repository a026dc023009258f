"""Entry point of the `tm` command; each area registers its commands from its own module."""

from __future__ import annotations

import typer

from cli import check, glossary, lookup, pretranslate, store_cmds

app = typer.Typer(
    name="tm",
    help=(
        "Translation memory and enforced glossary for medical translation.\n\n"
        "Examples:\n\n"
        "  tm import examples/oncology-sample.tmx --memory oncology\n\n"
        "  tm lookup 'Tamoxifen is an endocrine therapy.' --from en --to es\n\n"
        "  tm check translated.xliff --glossary glossaries/oncology.toml"
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

for module in (store_cmds, lookup, glossary, pretranslate, check):
    module.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
