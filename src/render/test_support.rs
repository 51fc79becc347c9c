//! What the writers' unit tests share: the house style of their hand-made documents. Test code
//! only; it builds no document and renders nothing.

use crate::tree::HouseStyle;

/// The built-in template's house style, written out (so a change to the template does not move
/// the writers' tests): Liberation Sans 12 pt on A4 with 25 mm margins.
pub(crate) fn house_style() -> HouseStyle {
    HouseStyle {
        font: "Liberation Sans".into(),
        body_size: 12.0,
        title_size: 14.0,
        heading_size: 12.0,
        subheading_size: 12.0,
        line_spacing: 1.15,
        heading_colour: "#000000".into(),
        table_header_fill: "#1f3864".into(),
        table_header_text: "#ffffff".into(),
        page_width_mm: 210.0,
        page_height_mm: 297.0,
        margin_mm: 25.0,
        title_centred: false,
        heading_font: None,
        margins_mm: None,
        logo: None,
    }
}
