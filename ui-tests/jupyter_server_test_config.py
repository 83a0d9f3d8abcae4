"""Jupyter server configuration for the Galata integration tests.

Used by `jlpm start` (Playwright's webServer). Never use it for a real server:
galata's helper removes every security protection (no token, no XSRF check).
"""

import os
from pathlib import Path
from tempfile import mkdtemp

from jupyterlab.galata import configure_jupyter_server

# The server's root is a fresh temporary folder (or JUPYTERLAB_GALATA_ROOT_DIR when
# set); each test works in its own sub-folder (galata's `tmpPath`) and uploads
# the notebooks it needs there, e.g. examples/demo.ipynb.
root_dir = os.environ.get("JUPYTERLAB_GALATA_ROOT_DIR") or mkdtemp(prefix="symphony-galata-")
os.environ["JUPYTERLAB_GALATA_ROOT_DIR"] = root_dir

configure_jupyter_server(c)  # noqa: F821

c.ServerApp.root_dir = root_dir  # noqa: F821
# The port Playwright expects (playwright.config.js reads the same variable).
c.ServerApp.port = int(os.environ.get("GALATA_PORT") or 8888)  # noqa: F821
c.ServerApp.port_retries = 0  # noqa: F821
# The tests run as root in CI containers (test configuration only).
c.ServerApp.allow_root = True  # noqa: F821

# jupyter-collaboration keeps documents in a SQLite store and file ids in another
# database; keep both inside the temporary root so that no state survives a run
# (by default they land in the working folder and in ~/.local/share/jupyter).
c.SQLiteYStore.db_path = str(Path(root_dir) / ".jupyter_ystore.db")  # noqa: F821
c.BaseFileIdManager.root_dir = root_dir  # noqa: F821
c.BaseFileIdManager.db_path = str(Path(root_dir) / ".jupyter_fileid.db")  # noqa: F821

# Language servers are not under test and slow the start on a 2-core machine.
c.LanguageServerManager.autodetect = False  # noqa: F821
