"""The `tm` command: a thin Typer shell over `tm.services`."""
