"""Command modules: thin wrappers that parse options, call the store and print a rendering."""
