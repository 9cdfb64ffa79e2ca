"""Every provider the app offers, described without importing any of them."""

from __future__ import annotations

from dictation_app.core.errors import ConfigurationError
from dictation_app.providers.base import CredentialField, Language, ProviderInfo

IFLYTEK_CREDENTIALS = (
    CredentialField("app_id", "APPID", "IFLYTEK_APP_ID", secret=False),
    CredentialField("api_key", "APIKey", "IFLYTEK_API_KEY"),
    CredentialField("api_secret", "APISecret", "IFLYTEK_API_SECRET"),
)

IFLYTEK_IAT = ProviderInfo(
    id="iflytek-iat",
    name="iFLYTEK short-form dictation",
    languages=(
        Language("zh_cn", "Chinese (Mandarin)"),
        Language("en_us", "English"),
        Language("ja_jp", "Japanese"),
        Language("ko_kr", "Korean"),
        Language("ru-ru", "Russian"),
        Language("fr_fr", "French"),
        Language("es_es", "Spanish"),
        Language("th_TH", "Thai"),
        Language("vi_VN", "Vietnamese"),
        Language("de_DE", "German"),
        Language("ar_il", "Arabic"),
        Language("bg_bg", "Bulgarian"),
    ),
    default_language="zh_cn",
    credential_fields=IFLYTEK_CREDENTIALS,
    factory="dictation_app.providers.iflytek_iat:IatProvider",
    # The service allows 60 s of audio per session; roll over with room to spare.
    max_session_seconds=55.0,
    idle_timeout_seconds=10.0,
    resumable=False,
)

LOCAL = ProviderInfo(
    id="local",
    name="Offline (on this computer)",
    languages=(
        Language("zh_en", "Chinese and English"),
        Language("en", "English"),
    ),
    default_language="zh_en",
    credential_fields=(),
    factory="dictation_app.providers.local:LocalProvider",
    max_session_seconds=None,
    needs_network=False,
)

IFLYTEK_IST = ProviderInfo(
    id="iflytek-ist",
    name="iFLYTEK real-time transcription",
    languages=(Language("zh_cn", "Chinese (Mandarin)"), Language("en_us", "English")),
    default_language="zh_cn",
    credential_fields=IFLYTEK_CREDENTIALS,
    factory="dictation_app.providers.iflytek_ist:IstProvider",
    # The service allows 5 hours per session.
    max_session_seconds=5 * 3600 - 60,
    idle_timeout_seconds=10.0,
    resumable=True,
)

# The offline engine comes first: it is the default when no cloud account is set up.
PROVIDERS: tuple[ProviderInfo, ...] = (LOCAL, IFLYTEK_IAT, IFLYTEK_IST)


def get(provider_id: str) -> ProviderInfo:
    """The provider called ``provider_id``; raises ConfigurationError if none is."""
    for info in PROVIDERS:
        if info.id == provider_id:
            return info
    known = ", ".join(info.id for info in PROVIDERS)
    raise ConfigurationError(
        f"There is no speech provider called {provider_id!r}.", f"Choose one of: {known}."
    )
