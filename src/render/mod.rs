//! One renderer per output format. A renderer sees only its [`RenderContext`]; renderers know
//! nothing of one another.

use crate::diagnostic::Diagnostic;
use crate::model::Format;
use crate::output::Artifact;
use crate::select::Selection;
use crate::settings::Project;

/// Everything a renderer may use.
pub struct RenderContext<'a> {
    pub selection: &'a Selection<'a>,
    pub project: &'a Project,
    /// The build's clock: `SOURCE_DATE_EPOCH`, else the handout's `reviewed` date, else 2000-01-01,
    /// so that the same input always gives the same bytes.
    pub timestamp: i64,
}

pub trait Renderer: Sync {
    fn format(&self) -> Format;
    /// Renders the selection into files named after the profile.
    fn render(&self, context: &RenderContext) -> Result<Vec<Artifact>, Vec<Diagnostic>>;
}

/// The build's timestamp for a handout (seconds since the Unix epoch).
pub fn timestamp(reviewed: Option<crate::model::Date>) -> i64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .or_else(|| reviewed.map(|d| d.days_since_epoch() * 86_400))
        .unwrap_or(946_684_800)
}

pub mod epub;
pub mod pdf;
pub mod sms;
