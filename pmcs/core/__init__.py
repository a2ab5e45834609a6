"""Pure domain: rules, schemas and calculations. No typer, rich or SQL here."""
