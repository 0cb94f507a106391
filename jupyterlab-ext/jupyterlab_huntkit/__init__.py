"""huntkit for JupyterLab.

This package ships the prebuilt JupyterLab extension (``@huntkit/jupyterlab``):
the Extract, Analyze and Queries panels and the notebook renderer of huntkit's
views, whose analysis runs in the browser, in WebAssembly, with no kernel.
The notebook functions that make views from DataFrames are the ``huntkit``
package, which this one depends on (VS Code users install ``huntkit`` alone).

Its Jupyter server extension (``jupyterlab_huntkit.server``) performs the
provider calls (threat intelligence, context, SIEM) the page asks for, with
the hunter's keys from ``msticpyconfig.yaml``; the page itself never talks
to the internet and never holds a key.
"""

from huntkit import __version__

__all__ = ["__version__", "_jupyter_labextension_paths", "_jupyter_server_extension_points"]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Where JupyterLab finds the prebuilt extension inside this package."""
    return [{"src": "labextension", "dest": "@huntkit/jupyterlab"}]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """The server extension (provider calls for the page), enabled by
    ``jupyter-config/jupyter_server_config.d/jupyterlab_huntkit.json``."""
    return [{"module": "jupyterlab_huntkit.server"}]
