//! The Tera templates: compiled into the binary from `templates/`, optionally replaced file by file
//! from `<overrides_dir>/templates/`, parsed once at start and shared by pages and e-mails.
use std::path::Path;

use include_dir::{Dir, include_dir};
use serde::Serialize;

use crate::error::StartupError;
use crate::i18n;

static BUILT_IN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

pub struct Templates {
    tera: tera::Tera,
}

impl Templates {
    /// `zone` is the instance's time zone, in which the `moment` function shows instants.
    pub fn load(
        overrides_dir: Option<&Path>,
        zone: i18n::format::Zone,
    ) -> Result<Templates, StartupError> {
        let mut sources: Vec<(String, String)> = Vec::new();
        collect_built_in(&BUILT_IN, &mut sources);
        if let Some(dir) = overrides_dir {
            let dir = dir.join("templates");
            if dir.is_dir() {
                collect_overrides(&dir, &dir, &mut sources)?;
            }
        }
        let mut tera = tera::Tera::default();
        // Names keep their extension: autoescape is on for HTML and SVG, off for plain-text mails.
        tera.autoescape_on(vec![".html.tera", ".svg.tera"]);
        tera.set_escape_fn(escape_html);
        tera.register_function("fluent", i18n::tera_function());
        tera.register_function("direction", i18n::tera_direction);
        tera.register_function("moment", i18n::format::tera_moment(zone));
        tera.register_function("number", i18n::format::tera_number);
        tera.add_raw_templates(sources)
            .map_err(|e| StartupError::Templates(crate::error::describe_chain(&e)))?;
        Ok(Templates { tera })
    }

    /// Renders `name` (without extension: `petition/show` finds `petition/show.html.tera`).
    pub fn render(
        &self,
        name: &str,
        extension: &str,
        context: &impl Serialize,
    ) -> Result<String, tera::Error> {
        let context = tera::Context::from_serialize(context)?;
        self.tera
            .render(&format!("{name}.{extension}.tera"), &context)
    }

    pub fn has(&self, name: &str, extension: &str) -> bool {
        let full = format!("{name}.{extension}.tera");
        self.tera.get_template_names().any(|n| n == full)
    }
}

fn collect_built_in(dir: &Dir<'static>, out: &mut Vec<(String, String)>) {
    for file in dir.files() {
        if let Some(text) = file.contents_utf8() {
            out.push((
                file.path().to_string_lossy().replace('\\', "/"),
                text.to_string(),
            ));
        }
    }
    for sub in dir.dirs() {
        collect_built_in(sub, out);
    }
}

fn collect_overrides(
    root: &Path,
    dir: &Path,
    out: &mut Vec<(String, String)>,
) -> Result<(), StartupError> {
    let entries = std::fs::read_dir(dir).map_err(|e| StartupError::io(dir, e))?;
    for entry in entries {
        let path = entry.map_err(|e| StartupError::io(dir, e))?.path();
        if path.is_dir() {
            collect_overrides(root, &path, out)?;
        } else if let Ok(relative) = path.strip_prefix(root) {
            let name = relative.to_string_lossy().replace('\\', "/");
            let text = std::fs::read_to_string(&path).map_err(|e| StartupError::io(&path, e))?;
            out.retain(|(existing, _)| *existing != name);
            out.push((name, text));
        }
    }
    Ok(())
}

/// Escapes what can break out of text or a quoted attribute. Tera's default also escapes `/`,
/// which only makes URLs unreadable in the page source.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            _ => out.push(c),
        }
    }
    out
}
