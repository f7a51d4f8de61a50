//! The booklet's cover, and the images it carries.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use crate::images;
use crate::render::xhtml::escape;

const WIDTH: u32 = 1200;
const HEIGHT: u32 = 1800;
/// Rows drawn at a time (300 KB of canvas).
const STRIP: u32 = 64;

/// A cover image from the project, as PNG.
pub fn load(path: &Path) -> Result<Vec<u8>, String> {
    let image = images::decode(path).map_err(|why| format!("cover image {}: {why}", path.display()))?;
    images::to_png(&image)
}

/// An image for the book under its name from [`book_image_extension`]: PNG, JPEG and GIF
/// keep their bytes (`check::images` decoded them within the limits before the build);
/// other formats become PNG. Returns the bytes and the media type.
///
/// [`book_image_extension`]: crate::render::xhtml::book_image_extension
pub fn book_image(path: &Path, name: &str) -> Result<(Vec<u8>, &'static str), String> {
    let read = || {
        crate::files::read_resolved_bytes(path, crate::files::MAX_IMAGE_FILE)
            .map_err(|e| format!("image {}: {e}", path.display()))
    };
    Ok(match name.rsplit('.').next() {
        Some("svg") => (read()?, "image/svg+xml"),
        Some("jpg") => (read()?, "image/jpeg"),
        Some("gif") => (read()?, "image/gif"),
        _ if images::sniff(path) == Some(image::ImageFormat::Png) => (read()?, "image/png"),
        _ => {
            let image = images::decode(path).map_err(|why| format!("image {}: {why}", path.display()))?;
            (images::to_png(&image)?, "image/png")
        }
    })
}

/// A cover drawn from the title and brand colour: large white title on the colour, the
/// subtitle below, the organisation at the foot. Text is set with the embedded fonts.
pub fn generate(
    title: &str,
    subtitle: Option<&str>,
    organisation: Option<&str>,
    color: &str,
) -> Result<Vec<u8>, String> {
    // White on nothing: the brand colour is put in at the end, through the palette.
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\">\n<rect x=\"100\" y=\"300\" width=\"160\" height=\"16\" fill=\"#ffffff\"/>\n"
    );
    let (title_size, title_lines) = fit(title, 120.0, 6);
    let mut y = 360.0 + title_size;
    for line in &title_lines {
        svg.push_str(&text_line(line, y, title_size, 700));
        y += title_size * 1.15;
    }
    if let Some(subtitle) = subtitle {
        let (size, lines) = fit(subtitle, 64.0, 4);
        y += size * 0.6;
        for line in &lines {
            svg.push_str(&text_line(line, y, size, 400));
            y += size * 1.25;
        }
    }
    if let Some(org) = organisation {
        let (size, lines) = fit(org, 52.0, 2);
        let mut y = f64::from(HEIGHT) - 120.0 - size * 1.25 * (lines.len() as f64 - 1.0);
        for line in &lines {
            svg.push_str(&text_line(line, y, size, 700));
            y += size * 1.25;
        }
    }
    svg.push_str("</svg>\n");

    let options = usvg::Options { fontdb: cover_fonts(), ..usvg::Options::default() };
    let tree = usvg::Tree::from_str(&svg, &options).map_err(|e| format!("cover: {e}"))?;
    // Drawn in strips small enough to stay in the processor's cache, skipping the strips
    // nothing reaches: a whole 8 MB canvas cost more to clear and read back than to draw on.
    let reach: Vec<(f32, f32)> = tree
        .root()
        .children()
        .iter()
        .map(|node| node.abs_bounding_box())
        .map(|b| (b.top() - 2.0, b.bottom() + 2.0))
        .collect();
    let mut coverage = vec![0u8; (WIDTH * HEIGHT) as usize];
    let mut strip = tiny_skia::Pixmap::new(WIDTH, STRIP).ok_or("cover: no canvas")?;
    for (index, rows) in coverage.chunks_mut((WIDTH * STRIP) as usize).enumerate() {
        let top = (index as u32 * STRIP) as f32;
        let bottom = top + (rows.len() as u32 / WIDTH) as f32;
        if !reach.iter().any(|&(from, to)| from < bottom && to > top) {
            continue;
        }
        strip.data_mut().fill(0);
        resvg::render(&tree, tiny_skia::Transform::from_translate(0.0, -top), &mut strip.as_mut());
        for (covered, pixel) in rows.iter_mut().zip(strip.data().chunks_exact(4)) {
            *covered = pixel[3];
        }
    }
    indexed_png(&coverage, palette(color))
}

/// The brand colour mixed with white in 256 steps: everything on the cover is white text
/// over the colour, so each pixel is one of these, chosen by how much of it is covered.
fn palette(color: &str) -> Vec<u8> {
    // `brand-color` was checked when the project was loaded.
    let brand = crate::settings::parse_hex_color(color).unwrap_or_default();
    (0..=255u16)
        .flat_map(|covered| brand.map(|c| (u16::from(c) + (255 - u16::from(c)) * covered / 255) as u8))
        .collect()
}

/// An 8-bit palette PNG: a third of the pixels of RGB to compress, and smaller files.
fn indexed_png(indices: &[u8], palette: Vec<u8>) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(png::Filter::Adaptive);
    encoder.set_palette(palette);
    let mut writer = encoder.write_header().map_err(|e| format!("cover: {e}"))?;
    writer.write_image_data(indices).map_err(|e| format!("cover: {e}"))?;
    writer.finish().map_err(|e| format!("cover: {e}"))?;
    Ok(out)
}

/// The embedded fonts, loaded once per process for every cover.
fn cover_fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut fonts = usvg::fontdb::Database::new();
            for font in crate::fonts::embedded() {
                fonts.load_font_source(usvg::fontdb::Source::Binary(Arc::new(font.bytes)));
            }
            Arc::new(fonts)
        })
        .clone()
}

fn text_line(text: &str, y: f64, size: f64, weight: u16) -> String {
    format!(
        "<text x=\"100\" y=\"{y:.0}\" font-family=\"Atkinson Hyperlegible Next, Noto Sans Arabic\" font-size=\"{size:.0}\" font-weight=\"{weight}\" fill=\"#ffffff\">{}</text>\n",
        escape(text)
    )
}

/// The largest size (from `size` down) at which `text` wraps into at most `max_lines` lines
/// across the cover; an average glyph is about 0.56 em wide.
fn fit(text: &str, mut size: f64, max_lines: usize) -> (f64, Vec<String>) {
    loop {
        let per_line = ((f64::from(WIDTH) - 200.0) / (size * 0.56)).floor().max(4.0) as usize;
        let lines = wrap(text, per_line);
        if lines.len() <= max_lines || size < 30.0 {
            return (size, lines.into_iter().take(max_lines).collect());
        }
        size *= 0.9;
    }
}

fn wrap(text: &str, per_line: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= per_line => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.chars().take(per_line * 2).collect()),
        }
    }
    lines
}
