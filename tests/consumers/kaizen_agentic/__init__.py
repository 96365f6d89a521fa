"""A small kaizen-agentic stand-in: a Typer CLI with the four ``schedule`` commands."""
