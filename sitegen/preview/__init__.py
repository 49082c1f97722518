"""sitegen serve: the live preview, rebuilding record by record on every save and reloading open pages.

May import: build and everything below it; never maintain.
"""
