"""The admin's second factor: an authenticator app (TOTP) with recovery codes, in Vietnamese.

piccolo-api stores the new secret first and draws the QR code after; when drawing failed (the
image library missing) the person was enrolled with a secret they never saw, and locked out.
``SafeAuthenticatorProvider`` builds the whole setup page inside the transaction that stores the
secret (``accounts.second_factor.enrol``): a failure leaves the person not enrolled.

The setup pages are piccolo-api's, rendered from our Vietnamese templates (templates/admin_mfa).
A platform admin resets another person's second factor with the admin form
“Đặt lại xác thực hai lớp” (``reset_form``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader
from piccolo_api.encryption.providers import EncryptionProvider
from piccolo_api.mfa import endpoints as mfa_endpoints
from piccolo_api.mfa.authenticator.provider import AuthenticatorProvider
from piccolo_api.mfa.authenticator.utils import get_b64encoded_qr_image
from pydantic import BaseModel, Field
from starlette.requests import Request as StarletteRequest

from accounts import second_factor
from accounts.clock import system_clock

log = logging.getLogger("sangtao.admin")
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "admin_mfa"
ISSUER = "Sáng tạo"


_FAILED_PAGE = (
    '<!DOCTYPE html><html lang="vi"><head><meta charset="UTF-8"><title>Chưa bật được xác thực hai lớp</title>'
    "</head><body><main><h1>Chưa bật được xác thực hai lớp</h1><p>Hệ thống không tạo được mã QR. Xác thực hai "
    "lớp <strong>chưa</strong> được bật: ông/bà vẫn đăng nhập bằng mật khẩu như trước. Vui lòng thử lại sau "
    'hoặc báo quản trị viên nền tảng.</p><p><a href="../../">Quay lại trang quản trị</a></p></main></body></html>'
)


def use_vietnamese_pages() -> None:
    """piccolo-api renders its MFA pages (password prompt, “already enrolled”, “disabled”) from one
    module-level environment: look in our Vietnamese templates first."""
    env = mfa_endpoints.environment
    if not getattr(env, "_sangtao_vi", False):
        assert env.loader is not None  # piccolo-api builds it with its templates folder
        env.loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)), env.loader])
        env._sangtao_vi = True  # type: ignore[attr-defined]


class SafeAuthenticatorProvider(AuthenticatorProvider):
    """piccolo-api's authenticator provider whose enrolment is all or nothing, and audited."""

    def __init__(self, encryption_provider: EncryptionProvider, **kwargs: Any) -> None:
        # One step (30 s) either side: a phone's clock a little off still signs in.
        kwargs.setdefault("valid_window", 1)
        super().__init__(
            encryption_provider=encryption_provider,
            issuer_name=ISSUER,
            register_template_path=str(TEMPLATES / "mfa_authenticator_setup.html"),
            **kwargs,
        )
        # The setup page extends our base.html (same folder).
        self.register_template = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True).get_template(
            "mfa_authenticator_setup.html"
        )
        self.name = "Authenticator App"

    def _setup(self, user, made) -> dict[str, Any]:
        secret_row, recovery_codes = made
        account = user.email or user.username
        uri = secret_row.get_authentication_setup_uri(
            email=account, encryption_provider=self.encryption_provider, issuer_name=self.issuer_name
        )
        return {
            "qrcode_image": get_b64encoded_qr_image(data=uri),
            "secret": self.encryption_provider.decrypt(encrypted_value=secret_row.secret),
            "recovery_codes": recovery_codes,
        }

    def _create(self, user):
        return lambda: self.secret_table.create_new(
            user_id=user.id, encryption_provider=self.encryption_provider, recovery_code_count=self.recovery_code_count
        )

    async def get_registration_html(self, user) -> str:
        def show(made):
            setup = self._setup(user, made)
            return self.register_template.render(
                **setup, recovery_codes_str="\n".join(setup["recovery_codes"]), styles=self.styles
            )

        try:
            return await second_factor.enrol(user.id, self._create(user), show)
        except Exception:  # the secret was rolled back: say so, never a half-made enrolment
            log.exception("second factor enrolment failed for user %s", user.id)
            return _FAILED_PAGE

    async def get_registration_json(self, user) -> dict:
        def show(made):
            setup = self._setup(user, made)
            return {"qrcode_image": setup["qrcode_image"], "recovery_codes": setup["recovery_codes"]}

        return await second_factor.enrol(user.id, self._create(user), show)

    async def delete_registration(self, user) -> None:
        await second_factor.revoke_own(user.id, now=system_clock())


class SecondFactorReset(BaseModel):
    """Turn off another person's second factor (they lost their phone and their recovery codes)."""

    person: str = Field(description="Email hoặc số điện thoại của người cần đặt lại")


async def reset_form_endpoint(request: StarletteRequest, data: SecondFactorReset) -> str:
    """The admin form: platform admins only, audited (refusals too)."""
    from accounts import services
    from accounts.errors import DomainError
    from server.admin_scope import MSG_SIGNED_OUT, bilingual

    user_id = getattr(getattr(getattr(request, "user", None), "user", None), "id", None)
    actor = await services.load_principal(user_id) if user_id else None
    if actor is None:
        raise ValueError(bilingual(MSG_SIGNED_OUT))
    ip = request.client.host if request.client else ""
    try:
        done = await second_factor.reset_second_factor(data.person, actor=actor, ip=ip, now=system_clock())
    except DomainError as error:
        raise ValueError(bilingual(error.message)) from None
    if done:
        return (
            "Đã tắt xác thực hai lớp của người này. Họ đăng nhập bằng mật khẩu rồi bật lại trong "
            "“Thiết lập xác thực MFA”."
        )
    return "Người này chưa bật xác thực hai lớp: không có gì để đặt lại."


def reset_form():
    from piccolo_admin.endpoints import FormConfig

    return FormConfig(
        name="Đặt lại xác thực hai lớp",
        pydantic_model=SecondFactorReset,
        endpoint=reset_form_endpoint,
        description="Chỉ quản trị viên nền tảng. Dùng khi một người mất điện thoại và cả mã khôi phục: "
        "xác thực hai lớp của họ bị tắt, họ đăng nhập bằng mật khẩu và bật lại. "
        "Việc đặt lại được ghi vào nhật ký.",
    )
