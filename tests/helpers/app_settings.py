"""Settings that point the app at a (fake) iFLYTEK iat service."""

from __future__ import annotations

from dictation_app.core.settings import Settings

IAT = "iflytek-iat"


def iat_settings(endpoint: str, language: str = "zh_cn", **chosen: object) -> Settings:
    settings = Settings()
    settings.set("provider", IAT)
    settings.set(f"{IAT}.endpoint", endpoint)
    settings.set_language(IAT, language)
    for key, value in chosen.items():
        settings.set(key, value)
    return settings
