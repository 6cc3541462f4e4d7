"""The admin's second factor: enrolment with QR code, secret and recovery codes (never a
half-made enrolment), sign-in with a TOTP code or a recovery code, and a platform admin's reset."""

from __future__ import annotations

import re

import pytest
from piccolo_api.mfa.authenticator.tables import AuthenticatorSecret
from pyotp.totp import TOTP

from accounts.tables import AuditEvent, Role, User
from tests.support.factories import PASSWORD

pytestmark = pytest.mark.integration

RESET_FORM = "/admin/api/forms/đặt-lại-xác-thực-hai-lớp/"


async def admin_login(client, identifier: str, password: str = PASSWORD, **extra: str):
    await client.get("/admin/")
    return await client.post(
        "/admin/public/login/",
        json={"username": identifier, "password": password, **extra},
        headers={"X-CSRFToken": client.cookies.get("csrftoken") or "", "Referer": "http://testserver/admin/"},
    )


async def enrol(client, password: str = PASSWORD):
    page = await client.get("/admin/api/mfa-setup/")
    assert page.status_code == 200 and "Bật xác thực hai lớp" in page.text, page.text
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
    return await client.post(
        "/admin/api/mfa-setup/",
        data={"action": "register", "password": password, "csrftoken": token},
        headers={"Referer": "http://testserver/admin/api/mfa-setup/"},
    )


def setup_parts(html: str) -> tuple[str, list[str]]:
    secret = re.search(r'id="mfa-secret">([A-Z2-7]+)<', html).group(1)
    codes = re.findall(r"<li>([a-z0-9-]{13})</li>", html)
    return secret, codes


async def enrolled(user_id: int) -> bool:
    return await AuthenticatorSecret.is_user_enrolled(user_id=user_id)


async def test_enrolment_shows_qr_secret_and_codes_then_signs_in_with_a_code(app, client, make_user):
    import httpx

    user = await make_user(email="nhung@example.com", roles=(Role.organizer,))
    assert (await admin_login(client, "nhung@example.com")).status_code in (200, 303)
    wrong = await enrol(client, password="sai-mat-khau")
    assert wrong.status_code == 401 and "Mật khẩu không đúng" in wrong.text
    assert not await enrolled(user.id)

    page = await enrol(client)
    assert page.status_code == 200, page.text
    assert 'lang="vi"' in page.text and "data:image/png;base64," in page.text and "Mã khôi phục" in page.text
    secret, codes = setup_parts(page.text)
    assert len(codes) == 8 and await enrolled(user.id)
    assert await AuditEvent.exists().where((AuditEvent.action == "mfa.enrolled") & (AuditEvent.actor == user.id))
    again = await client.get("/admin/api/mfa-setup/")
    assert "Xác thực hai lớp đang bật" in again.text

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as other:
        asked = await admin_login(other, "nhung@example.com")
        assert asked.status_code == 401 and asked.json()["detail"] == "MFA code required"
        bad = await admin_login(other, "nhung@example.com", mfa_code="000000")
        assert bad.status_code == 401
        assert await AuditEvent.exists().where(AuditEvent.action == "admin.mfa_failed")
        ok = await admin_login(other, "nhung@example.com", mfa_code=TOTP(secret).now())
        assert ok.status_code in (200, 303), ok.text
        assert (await other.get("/admin/api/user/")).json()["username"]


async def test_a_recovery_code_signs_in_once(app, client, make_user):
    import httpx

    await make_user(email="nhung@example.com", roles=(Role.organizer,))
    await admin_login(client, "nhung@example.com")
    _, codes = setup_parts((await enrol(client)).text)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as other:
        ok = await admin_login(other, "nhung@example.com", mfa_code=codes[0])
        assert ok.status_code in (200, 303), ok.text
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as other:
        reused = await admin_login(other, "nhung@example.com", mfa_code=codes[0])
        assert reused.status_code == 401
        assert (await admin_login(other, "nhung@example.com", mfa_code=codes[1])).status_code in (200, 303)


async def test_enrolment_that_fails_midway_leaves_the_person_not_enrolled(client, make_user, monkeypatch):
    from server import admin_mfa

    user = await make_user(email="nhung@example.com", roles=(Role.organizer,))
    await admin_login(client, "nhung@example.com")

    def no_qr(data: str) -> str:
        raise ImportError("No module named 'qrcode'")

    monkeypatch.setattr(admin_mfa, "get_b64encoded_qr_image", no_qr)
    page = await enrol(client)
    assert page.status_code == 200 and "chưa" in page.text and "Chưa bật được" in page.text
    assert not await enrolled(user.id)
    assert await AuthenticatorSecret.count().where(AuthenticatorSecret.user_id == user.id) == 0
    # Still signs in with the password alone.
    assert (await admin_login(client, "nhung@example.com")).status_code in (200, 303)


async def test_admin_resets_a_second_factor_and_it_is_audited(app, client, make_user):
    import httpx

    admin = await make_user(email="admin@example.com", roles=(Role.admin,))
    organizer = await make_user(email="nhung@example.com", roles=(Role.organizer,))
    await admin_login(client, "nhung@example.com")
    assert (await enrol(client)).status_code == 200 and await enrolled(organizer.id)

    # Another organizer may not reset it.
    other_organizer = await make_user(email="lan@example.com", roles=(Role.organizer,))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as other:
        await admin_login(other, "lan@example.com")
        refused = await other.post(
            RESET_FORM, json={"person": "nhung@example.com"}, headers={"X-CSRFToken": other.cookies["csrftoken"]}
        )
        assert refused.status_code == 422 and "quản trị viên" in refused.json()["custom_form_error"]
    assert await enrolled(organizer.id)
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "mfa.reset_refused") & (AuditEvent.actor == other_organizer.id)
    )

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as other:
        await admin_login(other, "admin@example.com")
        unknown = await other.post(
            RESET_FORM, json={"person": "khong-co@example.com"}, headers={"X-CSRFToken": other.cookies["csrftoken"]}
        )
        assert unknown.status_code == 422 and "Không" in unknown.json()["custom_form_error"]
        done = await other.post(
            RESET_FORM, json={"person": "nhung@example.com"}, headers={"X-CSRFToken": other.cookies["csrftoken"]}
        )
        assert done.status_code == 200 and "Đã tắt xác thực hai lớp" in done.text
    assert not await enrolled(organizer.id)
    event = await AuditEvent.select().where(AuditEvent.action == "mfa.reset").first()
    assert event["actor"] == admin.id and str(event["target_id"]) == str(organizer.id)
    # The organizer signs in with the password alone, and may enrol again.
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as other:
        assert (await admin_login(other, "nhung@example.com")).status_code in (200, 303)
        assert (await enrol(other)).status_code == 200 and await enrolled(organizer.id)
    assert (await User.select(User.id).where(User.email == "nhung@example.com").first())["id"] == organizer.id


async def test_own_revocation_is_audited(client, make_user):
    user = await make_user(email="nhung@example.com", roles=(Role.organizer,))
    await admin_login(client, "nhung@example.com")
    await enrol(client)
    page = await client.get("/admin/api/mfa-setup/")
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
    off = await client.post(
        "/admin/api/mfa-setup/",
        data={"action": "revoke", "password": PASSWORD, "csrftoken": token},
        headers={"Referer": "http://testserver/admin/api/mfa-setup/"},
    )
    assert "Đã tắt xác thực hai lớp" in off.text and not await enrolled(user.id)
    assert await AuditEvent.exists().where(AuditEvent.action == "mfa.revoked")


async def test_the_operator_resets_a_second_factor_from_the_command_line(client, make_user, capsys):
    from server.commands import reset_mfa

    user = await make_user(email="admin@example.com", roles=(Role.admin,))
    await admin_login(client, "admin@example.com")
    await enrol(client)
    assert await enrolled(user.id)
    await reset_mfa("admin@example.com")
    assert "turned off" in capsys.readouterr().out and not await enrolled(user.id)
    event = await AuditEvent.select().where(AuditEvent.action == "mfa.reset").first()
    assert event["actor"] is None and str(event["target_id"]) == str(user.id) and "command line" in event["data"]
    with pytest.raises(SystemExit):
        await reset_mfa("khong-co@example.com")
