"""Translation memory and enforced glossary for medical translation.

The package is a library first: the CLI (`cli/`) and the HTTP layer are thin
shells over `tm.services`. The pure core (`segment`, `normalize`, `match`,
`terms`, `check`) never touches a database, a terminal or the network.
"""

__version__ = "0.1.0"
