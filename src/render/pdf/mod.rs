//! The PDF renderer.

use crate::diagnostic::Diagnostic;
use crate::model::Format;
use crate::output::Artifact;
use crate::render::{RenderContext, Renderer};

pub struct PdfRenderer;

impl PdfRenderer {
    pub fn new() -> Self {
        PdfRenderer
    }
}

impl Renderer for PdfRenderer {
    fn format(&self) -> Format {
        Format::Pdf
    }

    fn render(&self, context: &RenderContext) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
        let s = context.selection;
        Err(vec![
            Diagnostic::error(
                &s.handout.path,
                "not-built",
                "the pdf renderer is not built yet",
            )
            .profile(&s.profile.name),
        ])
    }
}
