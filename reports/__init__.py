"""The district office's dashboard and reports, composed from the apps' selectors."""
