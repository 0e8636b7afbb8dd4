"""The API's interactive docs at /docs, working offline: Swagger UI from the npm package swagger-ui-dist
(served with the dashboard's other vendor files) instead of FastAPI's default CDN. ReDoc is not offered: its
npm package needs React and a bundler, and Swagger UI already reads the same OpenAPI document."""
from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

ASSETS = "/dashboard/vendor/swagger-ui"


def mount(app: FastAPI) -> None:
    """/docs for an app created with `docs_url=None, redoc_url=None`."""
    title = f"{app.title} — docs"
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url, title=title, swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css", swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        )
