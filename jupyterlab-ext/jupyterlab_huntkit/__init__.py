"""huntkit for JupyterLab.

This package ships the prebuilt JupyterLab extension (``@huntkit/jupyterlab``):
the Extract, Analyze and Queries panels and the notebook renderer of huntkit's
views, whose analysis runs in the browser, in WebAssembly, with no kernel.
The notebook functions that make views from DataFrames are the ``huntkit``
package, which this one depends on (VS Code users install ``huntkit`` alone).
"""

from huntkit import __version__

__all__ = ["__version__", "_jupyter_labextension_paths"]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Where JupyterLab finds the prebuilt extension inside this package."""
    return [{"src": "labextension", "dest": "@huntkit/jupyterlab"}]
