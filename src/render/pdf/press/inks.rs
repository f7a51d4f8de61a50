//! Colour for the press: sRGB converted once through the printing condition's ICC profile with
//! Little CMS, greys on the black plate alone, and the total ink held to a limit.

use std::collections::HashMap;

use lcms2::{Flags, Intent, PixelFormat, Profile, Transform};

/// The most ink a press PDF lays down anywhere, in percent of one plate (C + M + Y + K).
pub const INK_LIMIT: f32 = 300.0;

/// Converts the colours of one document; made once per press PDF.
pub struct Inks {
    /// Flat colours (the brand colour, the template's colours, drawings): relative
    /// colorimetric with black point compensation, so a colour the press can print keeps
    /// its look exactly.
    flat: Transform<[u8; 3], [f32; 4]>,
    /// Pictures: perceptual, so that colours outside what the press can print keep their
    /// relations to each other.
    pictures: Transform<[u8; 3], [u8; 4]>,
    /// The black-plate value of each grey from white (0) to black (255), 0–1.
    greys: [f32; 256],
    converted: HashMap<[u8; 3], [f32; 4]>,
}

impl Inks {
    /// The transforms for a CMYK output profile (`profile` is its ICC data).
    pub fn new(profile: &[u8]) -> Result<Inks, String> {
        let cmyk = Profile::new_icc(profile).map_err(|e| format!("the ICC profile cannot be read: {e}"))?;
        let srgb = Profile::new_srgb();
        let flat = Transform::new_flags(
            &srgb,
            PixelFormat::RGB_8,
            &cmyk,
            PixelFormat::CMYK_FLT,
            Intent::RelativeColorimetric,
            Flags::BLACKPOINT_COMPENSATION,
        )
        .map_err(|e| format!("no colour transform to the profile: {e}"))?;
        let pictures = Transform::new(&srgb, PixelFormat::RGB_8, &cmyk, PixelFormat::CMYK_8, Intent::Perceptual)
            .map_err(|e| format!("no colour transform to the profile: {e}"))?;
        let greys = grey_ramp(&srgb, &cmyk)?;
        Ok(Inks { flat, pictures, greys, converted: HashMap::new() })
    }

    /// A flat sRGB colour as CMYK, each 0–1: a grey on the black plate only (text and rules
    /// print sharp, with no four-colour black to blur on a slight misregistration), any other
    /// colour through the profile.
    pub fn flat(&mut self, rgb: [u8; 3]) -> [f32; 4] {
        if let Some(cmyk) = self.converted.get(&rgb) {
            return *cmyk;
        }
        let cmyk = if rgb[0] == rgb[1] && rgb[1] == rgb[2] {
            [0.0, 0.0, 0.0, self.greys[255 - rgb[0] as usize]]
        } else {
            let mut out = [[0f32; 4]];
            self.flat.transform_pixels(&[rgb], &mut out);
            limited(out[0].map(|v| v / 100.0))
        };
        self.converted.insert(rgb, cmyk);
        cmyk
    }

    /// RGB pixels (8 bits a channel) as CMYK pixels within the ink limit.
    pub fn picture(&self, rgb: &[u8]) -> Vec<u8> {
        let pixels: Vec<[u8; 3]> = rgb.chunks_exact(3).map(|p| [p[0], p[1], p[2]]).collect();
        let mut out = vec![[0u8; 4]; pixels.len()];
        self.pictures.transform_pixels(&pixels, &mut out);
        let mut out: Vec<u8> = out.into_iter().flatten().collect();
        limit_pixels(&mut out);
        out
    }
}

/// CMYK (each 0–1) with cyan, magenta and yellow lowered together where the total is over
/// the limit; black is kept, as it carries the detail.
pub fn limited([c, m, y, k]: [f32; 4]) -> [f32; 4] {
    let clamp = |v: f32| v.clamp(0.0, 1.0);
    let [c, m, y, k] = [clamp(c), clamp(m), clamp(y), clamp(k)];
    let limit = INK_LIMIT / 100.0;
    let colour = c + m + y;
    if colour + k <= limit || colour == 0.0 {
        return [c, m, y, k];
    }
    let scale = ((limit - k) / colour).max(0.0);
    [c * scale, m * scale, y * scale, k]
}

/// 8-bit CMYK pixels within the ink limit.
pub fn limit_pixels(pixels: &mut [u8]) {
    for pixel in pixels.chunks_exact_mut(4) {
        limit_pixel(pixel);
    }
}

fn limit_pixel(pixel: &mut [u8]) {
    let limit = (INK_LIMIT / 100.0 * 255.0) as u32;
    let [c, m, y, k] = [pixel[0], pixel[1], pixel[2], pixel[3]].map(u32::from);
    if c + m + y + k <= limit || c + m + y == 0 {
        return;
    }
    let room = limit.saturating_sub(k);
    let colour = c + m + y;
    // Rounded down, so the sum never passes the limit.
    for channel in pixel.iter_mut().take(3) {
        *channel = (u32::from(*channel) * room / colour) as u8;
    }
}

/// For each grey from white to black, the black-plate tint that prints at the same lightness,
/// black point compensated: sRGB black is the black plate at 100 %, white is bare paper, and
/// lightness in between is matched through the profile.
fn grey_ramp(srgb: &Profile, cmyk: &Profile) -> Result<[f32; 256], String> {
    let lab = Profile::new_lab4_context(lcms2::GlobalContext::new(), &lcms2::CIExyY { x: 0.3457, y: 0.3585, Y: 1.0 })
        .map_err(|e| format!("no Lab profile: {e}"))?;
    let to_lab = |input: &Profile, format: PixelFormat| {
        Transform::<[f32; 4], [f64; 3]>::new(input, format, &lab, PixelFormat::Lab_DBL, Intent::RelativeColorimetric)
            .map_err(|e| format!("no transform to Lab: {e}"))
    };
    let printed = to_lab(cmyk, PixelFormat::CMYK_FLT)?;
    let lightness_of_k = |k: f32| {
        let mut out = [[0f64; 3]];
        printed.transform_pixels(&[[0.0, 0.0, 0.0, k * 100.0]], &mut out);
        out[0][0]
    };
    let screen = Transform::<[u8; 3], [f64; 3]>::new(
        srgb,
        PixelFormat::RGB_8,
        &lab,
        PixelFormat::Lab_DBL,
        Intent::RelativeColorimetric,
    )
    .map_err(|e| format!("no transform to Lab: {e}"))?;
    let (paper, black) = (lightness_of_k(0.0), lightness_of_k(1.0));
    let mut ramp = [0f32; 256];
    for (i, k) in ramp.iter_mut().enumerate() {
        let grey = 255 - i as u8;
        let mut out = [[0f64; 3]];
        screen.transform_pixels(&[[grey; 3]], &mut out);
        let wanted = black + out[0][0].clamp(0.0, 100.0) / 100.0 * (paper - black);
        // Lightness falls as black rises: bisect for the tint that prints `wanted`.
        let (mut low, mut high) = (0f32, 1f32);
        for _ in 0..20 {
            let middle = (low + high) / 2.0;
            if lightness_of_k(middle) > wanted { low = middle } else { high = middle }
        }
        *k = if i == 0 {
            0.0
        } else if i == 255 {
            1.0
        } else {
            (low + high) / 2.0
        };
    }
    Ok(ramp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inks() -> Inks {
        Inks::new(super::super::Condition::Fogra39.profile()).unwrap()
    }

    #[test]
    fn greys_go_to_the_black_plate_alone() {
        let mut inks = inks();
        assert_eq!(inks.flat([0, 0, 0]), [0.0, 0.0, 0.0, 1.0]);
        assert_eq!(inks.flat([255, 255, 255]), [0.0, 0.0, 0.0, 0.0]);
        let mid = inks.flat([128, 128, 128]);
        assert_eq!(&mid[..3], &[0.0, 0.0, 0.0]);
        assert!(mid[3] > 0.3 && mid[3] < 0.8, "{mid:?}");
        let lighter = inks.flat([180, 180, 180])[3];
        assert!(lighter < mid[3]);
    }

    #[test]
    fn colours_keep_their_hue_and_stay_under_the_ink_limit() {
        let mut inks = inks();
        // The sample's brand teal: mostly cyan, some black, little magenta and yellow.
        let [c, m, y, k] = inks.flat([0x1f, 0x5f, 0x73]);
        assert!(c > 0.7 && m > 0.1 && m < c && y < c && k > 0.1, "{:?}", [c, m, y, k]);
        for rgb in [[0, 0, 1], [10, 0, 20], [40, 10, 10], [0, 40, 0]] {
            let sum: f32 = inks.flat(rgb).iter().sum();
            assert!(sum <= INK_LIMIT / 100.0 + 1e-4, "{rgb:?}: {sum}");
        }
        let dark = inks.picture(&[1, 2, 3, 20, 0, 10]);
        for pixel in dark.chunks(4) {
            assert!(pixel.iter().map(|&v| u32::from(v)).sum::<u32>() <= 765, "{pixel:?}");
        }
    }

    #[test]
    fn the_limit_lowers_colour_and_keeps_black() {
        assert_eq!(limited([1.0, 1.0, 1.0, 1.0]), [2.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0, 1.0]);
        assert_eq!(limited([0.5, 0.4, 0.3, 0.2]), [0.5, 0.4, 0.3, 0.2]);
        let mut pixel = [255, 255, 255, 255];
        limit_pixel(&mut pixel);
        assert!(pixel.iter().map(|&v| u32::from(v)).sum::<u32>() <= 765 && pixel[3] == 255);
    }
}
