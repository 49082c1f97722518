"""sitegen serve: the live preview, rebuilding record by record on every save and reloading open pages.

May import: engine and everything below it; never maintain.
"""
