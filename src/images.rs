//! Decoding images with limits, so that a truncated file, a file that lies about its format
//! or a decompression bomb is refused with a message instead of being loaded.

use std::path::Path;

use image::{DynamicImage, ImageReader, Limits};

/// Largest image accepted, in pixels per side; a 300 dpi full-page photo is about 2550 × 3300.
pub const MAX_SIDE: u32 = 12_000;
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
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(format!("it is {width} × {height} pixels, over the limit of {MAX_SIDE} a side; scale it down"));
    }
    Ok((width, height))
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
