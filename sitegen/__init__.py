"""sitegen: a static site generator for a registry of research records."""

__version__ = "0.2.0"
