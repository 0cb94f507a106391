"""The package version; kept equal to package.json's ``version``."""

__version__ = "0.1.0"
