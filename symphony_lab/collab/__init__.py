"""Real-time collaboration on the board: a document type of our own for jupyter-collaboration.

- ``format``: the board file (readable JSON beside the notebook) and its validation;
- ``ydoc``: ``YBoard``, the ``jupyter_ydoc`` document type (entry point ``symphony-board``);
- ``guard``: what a browser may send into a board's room (size, shape, no forged annotations);
- ``annotations``: annotation threads, written by the server with the authenticated author;
- ``store``: where a board lives (the live room when there is one, else the file);
- ``handlers``: the REST routes.
"""

# jupyter_ydoc loads every document type (ours included) when it is first imported: import it before
# our ydoc module, so that loading our entry point never meets a half-imported module.
import jupyter_ydoc  # noqa: F401,I001

from .format import BOARD_CONTENT_TYPE, board_path_for

__all__ = ["BOARD_CONTENT_TYPE", "board_path_for"]
