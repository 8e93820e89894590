"""The join link as a QR code, drawn by the `qrcode` package (pure Python; it draws with Pillow, which the app
has): chosen over `segno` because it is the one of the two in the project's package index, and it needs nothing
else. Error correction M (15 % of the code may be unreadable: a projector's glare, a low phone camera)."""

import numpy as np
import qrcode
from qrcode.constants import ERROR_CORRECT_M

MODULE_PX = 10  # each module (black or white square) of the code in pixels: 33 modules -> 330 px plus the border


def qr_image(link: str) -> np.ndarray:
    """The QR code of `link`, black on white with a 2-module border (the page shows it on a white card, which
    completes the 4-module quiet zone scanners want): RGB uint8 (H, W, 3)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=MODULE_PX, border=2)
    code.add_data(link)
    code.make(fit=True)
    return np.asarray(code.make_image(fill_color="black", back_color="white").convert("RGB"))
