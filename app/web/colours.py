"""WCAG colour arithmetic for the charts, the map and the stylesheet's tokens
(https://www.w3.org/TR/WCAG21/#dfn-relative-luminance)."""

RGB = tuple[int, int, int]


def hex_rgb(colour: str) -> RGB:
    """`#rrggbb` or `#rgb` as (r, g, b)."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))


def luminance(rgb: RGB) -> float:
    """The relative luminance of an sRGB colour."""
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
        for c in (channel / 255 for channel in rgb)
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """The contrast ratio of two `#rrggbb` colours (1 to 21)."""
    lighter, darker = sorted(
        (luminance(hex_rgb(first)), luminance(hex_rgb(second))), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)
