"""Jupyter Server configuration for the Galata end-to-end tests.

Starts JupyterLab on 127.0.0.1 with galata's helper extension, no token,
a temporary root folder and no calls to the network.
"""

import os

from jupyterlab.galata import configure_jupyter_server

c = get_config()  # noqa: F821 (provided by Jupyter's config loader)

configure_jupyter_server(c)

c.ServerApp.ip = "127.0.0.1"
c.ServerApp.port = int(os.environ.get("HUNTKIT_E2E_PORT", "8899"))
c.ServerApp.open_browser = False
# Errors only: galata probes for files that do not exist, which logs 404 warnings.
c.ServerApp.log_level = "ERROR"
c.LabApp.log_level = "ERROR"
# CI runs as root; a harmless no-op otherwise.
c.ServerApp.allow_root = True
# Offline: no update check, no news feed.
c.LabApp.check_for_updates_class = "jupyterlab.handlers.announcements.NeverCheckForUpdate"
c.LabApp.news_url = None
