import io

import pytest
from PIL import Image

from contest import uploads
from contest.uploads import (
    ATTACHMENT_TYPES,
    IMAGE_TYPES,
    JPEG,
    PDF,
    PNG,
    StoredFile,
    UploadError,
    clean_filename,
    delete,
    path_of,
    sniff,
    store,
)

pytestmark = pytest.mark.unit

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def png_bytes(size=(40, 30), mode="RGB", color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes(size=(40, 30), exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, (10, 120, 200)).save(out, "JPEG", **kwargs)
    return out.getvalue()


def exif_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 1  # Orientation
    return exif.tobytes()


# --- sniffing -------------------------------------------------------------------------------


def test_sniff_by_magic_bytes_only():
    assert sniff(PDF_BYTES) == PDF
    assert sniff(png_bytes()) == PNG
    assert sniff(jpeg_bytes()) == JPEG
    assert sniff(b"<html><script>alert(1)</script>") is None
    assert sniff(b"") is None
    assert sniff(b"GIF89a") is None
    assert sniff(b" %PDF-1.4") is None  # the magic must come first


# --- store: content decides ---------------------------------------------------------------


async def test_png_named_pdf_is_stored_as_png(tmp_path):
    data = png_bytes()
    f = await store(data, "report.pdf", root=tmp_path, allowed=ATTACHMENT_TYPES)
    assert f.content_type == PNG
    assert f.stored_name.endswith(".png") and len(f.stored_name) == 32 + 4
    assert f.original_name == "report.pdf"
    assert (f.width, f.height) == (40, 30)
    assert f.size == len(data)
    assert (tmp_path / f.stored_name).read_bytes() == data


async def test_jpg_name_with_pdf_content_is_stored_as_pdf(tmp_path):
    f = await store(PDF_BYTES, "photo.jpg", root=tmp_path, allowed=ATTACHMENT_TYPES)
    assert f.content_type == PDF
    assert f.stored_name.endswith(".pdf")
    assert f.web_name is None and f.width is None and f.height is None
    assert (tmp_path / f.stored_name).read_bytes() == PDF_BYTES


async def test_root_folder_is_created(tmp_path):
    root = tmp_path / "a" / "b"
    f = await store(PDF_BYTES, "x.pdf", root=root, allowed=ATTACHMENT_TYPES)
    assert (root / f.stored_name).is_file()


async def test_generated_names_are_unique(tmp_path):
    a = await store(PDF_BYTES, "x.pdf", root=tmp_path, allowed=ATTACHMENT_TYPES)
    b = await store(PDF_BYTES, "x.pdf", root=tmp_path, allowed=ATTACHMENT_TYPES)
    assert a.stored_name != b.stored_name


async def test_html_named_png_is_refused(tmp_path):
    with pytest.raises(UploadError) as exc:
        await store(b"<html><script>alert(1)</script></html>", "photo.png", root=tmp_path, allowed=ATTACHMENT_TYPES)
    assert exc.value.message == "The file %(name)s is not a PDF, JPEG or PNG file."
    assert exc.value.params == {"name": "photo.png"}
    assert exc.value.field is None
    assert not tmp_path.exists() or list(tmp_path.iterdir()) == []


async def test_pdf_refused_where_only_images_are_allowed(tmp_path):
    with pytest.raises(UploadError) as exc:
        await store(PDF_BYTES, "cover.pdf", root=tmp_path, allowed=IMAGE_TYPES)
    assert exc.value.message == "The file %(name)s is not a JPEG or PNG image."
    assert exc.value.params == {"name": "cover.pdf"}


async def test_png_header_with_garbage_is_damaged(tmp_path):
    data = b"\x89PNG\r\n\x1a\n" + b"garbage" * 100
    with pytest.raises(UploadError) as exc:
        await store(data, "anh.png", root=tmp_path, allowed=ATTACHMENT_TYPES)
    assert exc.value.message == "The file %(name)s is damaged or not a real image."
    assert exc.value.params == {"name": "anh.png"}
    assert list(tmp_path.iterdir()) == []


async def test_truncated_jpeg_is_damaged(tmp_path):
    data = jpeg_bytes(size=(300, 200))
    with pytest.raises(UploadError) as exc:
        await store(data[: len(data) // 2], "a.jpg", root=tmp_path, allowed=IMAGE_TYPES)
    assert exc.value.message == "The file %(name)s is damaged or not a real image."


async def test_decompression_bomb_is_damaged(tmp_path, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(UploadError) as exc:
        await store(png_bytes(size=(100, 100)), "bomb.png", root=tmp_path, allowed=IMAGE_TYPES)
    assert exc.value.message == "The file %(name)s is damaged or not a real image."


async def test_empty_file_is_refused(tmp_path):
    with pytest.raises(UploadError) as exc:
        await store(b"", "rong.pdf", root=tmp_path, allowed=ATTACHMENT_TYPES)
    assert exc.value.message == "The file %(name)s is empty."
    assert exc.value.params == {"name": "rong.pdf"}


async def test_size_limit_is_inclusive(tmp_path):
    limit = 2048
    exact = PDF_BYTES + b"%" * (limit - len(PDF_BYTES))
    assert len(exact) == limit
    f = await store(exact, "ok.pdf", root=tmp_path, allowed=ATTACHMENT_TYPES, max_bytes=limit)
    assert f.size == limit

    with pytest.raises(UploadError) as exc:
        await store(exact + b"%", "big.pdf", root=tmp_path, allowed=ATTACHMENT_TYPES, max_bytes=limit)
    assert exc.value.message == "The file %(name)s is larger than %(limit)s MB."
    assert exc.value.params["name"] == "big.pdf"
    limit = exc.value.params["limit"]
    assert isinstance(limit, (int, float)) and 0 < limit < 0.01


async def test_default_limit_is_ten_megabytes(tmp_path):
    with pytest.raises(UploadError) as exc:
        await store(PDF_BYTES + b"%" * uploads.MAX_BYTES, "big.pdf", root=tmp_path, allowed=ATTACHMENT_TYPES)
    assert exc.value.params["limit"] == 10


async def test_error_names_are_cleaned(tmp_path):
    with pytest.raises(UploadError) as exc:
        await store(b"", "../../x\x00y.pdf", root=tmp_path, allowed=ATTACHMENT_TYPES)
    assert exc.value.params == {"name": "xy.pdf"}


async def test_unknown_allowed_type_is_a_programming_error(tmp_path):
    with pytest.raises(ValueError):
        await store(PDF_BYTES, "a.pdf", root=tmp_path, allowed=frozenset({"text/html"}))


# --- clean_filename -------------------------------------------------------------------------


def test_clean_filename_strips_paths():
    assert clean_filename("../../etc/passwd") == "passwd"
    assert clean_filename("C:\\Users\\x\\ảnh bìa.png") == "ảnh bìa.png"
    assert clean_filename("..") == "tep"
    assert clean_filename("a/b/..") == "b"
    assert clean_filename("/") == "tep"
    assert clean_filename("") == "tep"
    assert clean_filename("..hidden.pdf") == "hidden.pdf"


def test_clean_filename_normalises_to_nfc():
    decomposed = "a\u0309nh.png"  # "ả" as a + combining hook above
    assert clean_filename(decomposed) == "ảnh.png"


def test_clean_filename_drops_control_characters():
    assert clean_filename("bao\x00cao.pdf") == "baocao.pdf"
    assert clean_filename("bao\x07 cao\x1b.pdf") == "bao cao.pdf"
    assert clean_filename("a\tb\n\r  c.pdf") == "a b c.pdf"
    assert clean_filename("photo\u202egpj.exe") == "photogpj.exe"
    assert clean_filename("\x00\x01") == "tep"


def test_clean_filename_collapses_spaces():
    assert clean_filename("   ý   tưởng    mới .pdf  ") == "ý tưởng mới .pdf"


def test_clean_filename_shortens_long_names_keeping_extension():
    name = clean_filename("x" * 500 + ".pdf")
    assert len(name) == 120 and name.endswith(".pdf") and name.startswith("xxx")
    assert len(clean_filename("y" * 500)) == 120
    assert clean_filename("z" * 120) == "z" * 120


# --- path_of --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "../x",
        "abc.png",
        "/etc/passwd",
        "",
        "0123456789abcdef0123456789abcdef.exe",
        "0123456789ABCDEF0123456789ABCDEF.png",
        "0123456789abcdef0123456789abcdef.png\n",
        "0123456789abcdef0123456789abcdef.web.png",
        "../0123456789abcdef0123456789abcdef.png",
        "0123456789abcdef0123456789abcdef.png/..",
    ],
)
def test_path_of_refuses_names_we_do_not_generate(tmp_path, name):
    with pytest.raises(UploadError) as exc:
        path_of(tmp_path, name)
    assert exc.value.message == "There is no such file."


def test_path_of_refuses_absolute_path_to_a_real_file(tmp_path):
    with pytest.raises(UploadError):
        path_of(tmp_path, str(tmp_path / "0123456789abcdef0123456789abcdef.png"))


async def test_path_of_accepts_stored_names(tmp_path):
    f = await store(png_bytes(), "a.png", root=tmp_path, allowed=IMAGE_TYPES)
    assert path_of(tmp_path, f.stored_name) == tmp_path / f.stored_name
    assert f.web_name is not None
    assert path_of(tmp_path, f.web_name) == tmp_path / f.web_name
    assert path_of(tmp_path, f.stored_name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- web copies -----------------------------------------------------------------------------


async def test_web_copy_is_small_jpeg_without_exif(tmp_path):
    data = jpeg_bytes(size=(3000, 1500), exif=exif_with_gps())
    assert Image.open(io.BytesIO(data)).getexif()  # the original does carry EXIF
    f = await store(data, "big.jpg", root=tmp_path, allowed=IMAGE_TYPES)
    assert f.content_type == JPEG and f.stored_name.endswith(".jpg")
    assert (f.width, f.height) == (3000, 1500)
    assert f.web_name == f.stored_name[:32] + ".web.jpg"
    with Image.open(tmp_path / f.web_name) as web:
        assert web.format == "JPEG"
        assert max(web.size) <= 1280
        assert web.size == (1280, 640)
        assert not web.getexif()
        assert "exif" not in web.info


async def test_web_copy_of_transparent_png_is_flattened_on_white(tmp_path):
    data = png_bytes(size=(20, 20), mode="RGBA", color=(0, 0, 0, 0))
    f = await store(data, "logo.png", root=tmp_path, allowed=IMAGE_TYPES)
    with Image.open(tmp_path / f.web_name) as web:
        assert web.mode == "RGB"
        pixel = web.getpixel((10, 10))
        assert isinstance(pixel, tuple) and all(c > 245 for c in pixel)
        assert web.size == (20, 20)  # never enlarged


async def test_web_copy_of_palette_png(tmp_path):
    img = Image.new("P", (30, 10))
    out = io.BytesIO()
    img.save(out, "PNG", transparency=0)
    f = await store(out.getvalue(), "p.png", root=tmp_path, allowed=IMAGE_TYPES)
    with Image.open(tmp_path / f.web_name) as web:
        assert web.format == "JPEG" and web.mode == "RGB"


async def test_web_version_can_be_skipped(tmp_path):
    f = await store(png_bytes(), "a.png", root=tmp_path, allowed=IMAGE_TYPES, web_version=False)
    assert f.web_name is None
    assert (f.width, f.height) == (40, 30)
    assert [p.name for p in tmp_path.iterdir()] == [f.stored_name]


# --- delete ---------------------------------------------------------------------------------


async def test_delete_removes_original_and_web_copy(tmp_path):
    f = await store(png_bytes(), "a.png", root=tmp_path, allowed=IMAGE_TYPES)
    keep = await store(PDF_BYTES, "keep.pdf", root=tmp_path, allowed=ATTACHMENT_TYPES)
    assert (tmp_path / f.stored_name).exists() and (tmp_path / f.web_name).exists()
    delete(tmp_path, f)
    assert not (tmp_path / f.stored_name).exists() and not (tmp_path / f.web_name).exists()
    assert (tmp_path / keep.stored_name).exists()
    delete(tmp_path, f)  # already gone: fine


async def test_delete_by_stored_name(tmp_path):
    f = await store(jpeg_bytes(), "a.jpg", root=tmp_path, allowed=IMAGE_TYPES)
    delete(tmp_path, f.stored_name)
    assert list(tmp_path.iterdir()) == []


def test_delete_refuses_foreign_names(tmp_path):
    victim = tmp_path / "important.txt"
    victim.write_text("keep me")
    with pytest.raises(UploadError):
        delete(tmp_path / "uploads", "../important.txt")
    assert victim.exists()


def test_stored_file_is_frozen():
    f = StoredFile("a", "b", PDF, 1, None, None, None)
    with pytest.raises(AttributeError):
        f.size = 2  # type: ignore[misc]
    assert not f.is_image


async def test_png_header_claiming_huge_dimensions_is_damaged(tmp_path):
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", 20_000, 20_000, 8, 2, 0, 0, 0)  # 400 Mpx, a few bytes on disk
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    with pytest.raises(UploadError) as exc:
        await store(data, "bomb.png", root=tmp_path, allowed=IMAGE_TYPES)
    assert exc.value.message == "The file %(name)s is damaged or not a real image."


async def test_exif_orientation_is_applied_to_size_and_web_copy(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    f = await store(jpeg_bytes(size=(60, 20), exif=exif.tobytes()), "r.jpg", root=tmp_path, allowed=IMAGE_TYPES)
    assert (f.width, f.height) == (20, 60)
    with Image.open(tmp_path / f.web_name) as web:
        assert web.size == (20, 60)
        assert not web.getexif()


async def test_sixteen_bit_greyscale_png(tmp_path):
    out = io.BytesIO()
    Image.new("I;16", (16, 8), 40000).save(out, "PNG")
    f = await store(out.getvalue(), "g.png", root=tmp_path, allowed=IMAGE_TYPES)
    with Image.open(tmp_path / f.web_name) as web:
        assert web.mode == "RGB" and web.size == (16, 8)
        pixel = web.getpixel((3, 3))
        assert isinstance(pixel, tuple) and 140 < pixel[0] < 170  # 40000/65535 of white
