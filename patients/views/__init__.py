"""Pages of the patients app, one module per part of the day."""
