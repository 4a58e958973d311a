//! Searching text columns the same way on SQLite and PostgreSQL: a case-insensitive (ASCII letters)
//! "contains", with `%`, `_` and `\` in what was typed taken literally.
use sea_orm::DatabaseBackend;
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, SimpleExpr};

/// `column` (raw SQL, e.g. `petitions.title`) contains `term`; `None` when nothing was typed.
pub fn contains(
    backend: DatabaseBackend,
    column: &str,
    term: &str,
    max: usize,
) -> Option<SimpleExpr> {
    let term: String = term.trim().chars().take(max).collect();
    if term.is_empty() {
        return None;
    }
    Some(folded(backend, column).like(LikeExpr::new(pattern(&term)).escape('\\')))
}

/// `%term%`, lower-cased, with the LIKE wildcards escaped.
pub fn pattern(term: &str) -> String {
    let mut pattern = String::with_capacity(term.len() + 8);
    pattern.push('%');
    for c in term.to_ascii_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The column lower-cased alike on both databases (SQLite's LOWER folds ASCII only; the "C"
/// collation makes PostgreSQL do the same).
pub fn folded(backend: DatabaseBackend, column: &str) -> SimpleExpr {
    match backend {
        DatabaseBackend::Postgres => Expr::cust(format!("LOWER({column} COLLATE \"C\")")),
        _ => Expr::cust(format!("LOWER({column})")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn wildcards_are_taken_literally() {
        assert_eq!(super::pattern("50%_Off\\"), "%50\\%\\_off\\\\%");
    }
}
