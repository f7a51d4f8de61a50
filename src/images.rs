//! Decoding images with limits, so that a truncated file, a file that lies about its format
//! or a decompression bomb is refused with a message instead of being loaded.

use std::path::Path;

use image::{DynamicImage, ImageReader, Limits};

/// Largest image accepted, in pixels per side; a 300 dpi full-page photo is about 2550 × 3300.
pub const MAX_SIDE: u32 = 12_000;
/// Most pixels an image may have: 40 megapixels (a 300 dpi A3 page is 17). The renderers hold
/// several copies of an image's pixels: a 40-megapixel image took 612 MB at peak, an
/// 11,000 × 11,000 one 1.8 GB.
pub const MAX_PIXELS: u64 = 40_000_000;
/// Most memory one decoded image may take.
pub const MAX_DECODED_BYTES: u64 = 512 * 1024 * 1024;

/// Decodes the image at `path`, guessing the format from its content, not its name.
pub fn decode(path: &Path) -> Result<DynamicImage, String> {
    // The header first: a huge image is refused before any pixel is decompressed.
    check_header(path)?;
    let mut reader = open(path)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(limits);
    reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => {
            format!("it would take more than {} MB decoded; scale it down", MAX_DECODED_BYTES / 1024 / 1024)
        }
        other => format!("it cannot be decoded (damaged, or not what it claims to be): {other}"),
    })
}

/// Width and height from the header of an image in a known format, within the size limits;
/// no pixel is decoded.
pub fn check_header(path: &Path) -> Result<(u32, u32), String> {
    let (width, height) = open(path)?
        .into_dimensions()
        .map_err(|e| format!("it cannot be read (damaged, or not what it claims to be): {e}"))?;
    within_limits(width, height)?;
    Ok((width, height))
}

/// Refuses a picture over [`MAX_SIDE`] a side or [`MAX_PIXELS`] in all.
fn within_limits(width: u32, height: u32) -> Result<(), String> {
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(format!("it is {width} × {height} pixels, over the limit of {MAX_SIDE} a side; scale it down"));
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(format!(
            "it is {width} × {height} pixels, over the limit of {} megapixels; scale it down",
            MAX_PIXELS / 1_000_000
        ));
    }
    Ok(())
}

/// The image's reader; the file was resolved inside the project (`files::Root`), and is
/// refused when it is not a regular file or is over the size limit.
fn open(path: &Path) -> Result<ImageReader<std::io::BufReader<std::fs::File>>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot open it: {e}"))?;
    if !meta.is_file() {
        return Err("it is not a regular file".into());
    }
    if meta.len() > crate::files::MAX_IMAGE_FILE {
        return Err(format!("it is {} bytes, over the limit of {} bytes", meta.len(), crate::files::MAX_IMAGE_FILE));
    }
    let reader = ImageReader::open(path).map_err(|e| format!("cannot open it: {e}"))?;
    let reader = reader.with_guessed_format().map_err(|e| format!("cannot read it: {e}"))?;
    if reader.format().is_none() {
        return Err("it is not an image in a known format (PNG, JPEG, GIF or WebP)".into());
    }
    Ok(reader)
}

/// The format the file's first bytes say it is, whatever its name.
pub fn sniff(path: &Path) -> Option<image::ImageFormat> {
    open(path).ok()?.format()
}

/// Checks an SVG before it is passed on as it is: no script or event handler (an e-book reader
/// or a browser would run them), and no embedded picture over the size limits (a 4 KB SVG can
/// carry a 40,000-pixel PNG).
pub fn check_svg(path: &Path) -> Result<(), String> {
    use base64::Engine;
    use std::sync::LazyLock;
    static HANDLER: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"(?i)[\s/]on[a-z]+\s*=").unwrap_or_else(|_| unreachable!()));
    static EMBEDDED: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)data:image/([a-z+.-]+);base64,([A-Za-z0-9+/=\s]+)").unwrap_or_else(|_| unreachable!())
    });
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot open it: {e}"))?;
    if meta.len() > crate::files::MAX_IMAGE_FILE {
        return Err(format!("it is {} bytes, over the limit of {} bytes", meta.len(), crate::files::MAX_IMAGE_FILE));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read it as SVG text: {e}"))?;
    let lower = text.to_ascii_lowercase();
    if lower.contains("<script") || lower.contains("javascript:") || HANDLER.is_match(&text) {
        return Err("it holds a script or an event handler (`onload=…`), which an e-book or a browser would run; \
                    export it again as plain SVG"
            .into());
    }
    for found in EMBEDDED.captures_iter(&text) {
        if found[1].eq_ignore_ascii_case("svg+xml") {
            return Err("it embeds another SVG; embed the picture as PNG or JPEG, or use the SVG on its own".into());
        }
        // The header is in the first bytes: decode only the start of the data.
        let start: String = found[2].chars().filter(|c| !c.is_whitespace()).take(8192).collect();
        let usable = start.len() - start.len() % 4;
        let header = base64::engine::general_purpose::STANDARD.decode(&start[..usable]).unwrap_or_default();
        let reader = ImageReader::new(std::io::Cursor::new(header)).with_guessed_format();
        let size = reader.ok().and_then(|r| r.into_dimensions().ok());
        match size {
            Some((width, height)) => {
                within_limits(width, height).map_err(|why| format!("it embeds a picture: {why}"))?
            }
            None => return Err("it embeds a picture that cannot be read (damaged, or in an unknown format)".into()),
        }
    }
    Ok(())
}

/// SVG is passed to the renderers as it is: it is neither sniffed nor decoded.
pub fn is_svg(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("svg"))
}

/// Encodes an image as PNG with fast compression: covers and converted images are flat
/// colours and text, which compress well anyway.
pub fn to_png(image: &DynamicImage) -> Result<Vec<u8>, String> {
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let mut out = Vec::new();
    let encoder = PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive);
    image.write_with_encoder(encoder).map_err(|e| format!("cannot encode PNG: {e}"))?;
    Ok(out)
}

/// The file extension matching what the file's bytes are (a PNG saved as `.jpg` is `png`),
/// so that every renderer decodes it as what it is.
pub fn sniffed_extension(path: &Path) -> &'static str {
    if is_svg(path) {
        return "svg";
    }
    match sniff(path) {
        Some(image::ImageFormat::Jpeg) => "jpg",
        Some(image::ImageFormat::Gif) => "gif",
        Some(image::ImageFormat::WebP) => "webp",
        _ => "png",
    }
}
