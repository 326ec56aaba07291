"""The Qt-free core: protocol, storage, HTTP server and image work. Imports no Qt."""
