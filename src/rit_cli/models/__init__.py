"""Small typed records, converted to and from rows only in the store.

One module per domain, so that a command builds only the record classes it uses: creating
a dataclass costs about half a millisecond, and `rit agenda` needs two of the eighteen.
"""
