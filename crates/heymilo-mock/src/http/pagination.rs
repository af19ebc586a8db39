//! Both generations' pages: v1's numbered pages and v2's cursor pages, each
//! O(page) in what it copies.

use std::collections::HashMap;

use heymilo_gen::v2::types as t;

use crate::http::error::{ApiError, validation};
use crate::http::params;

/// v1's `page` (from 1) and `limit` (1..=100, default 10).
pub(crate) fn v1_params(q: &HashMap<String, String>) -> Result<(i64, i64), ApiError> {
    Ok((
        params::int(q, "page", 1, 1, i64::MAX)?,
        params::int(q, "limit", 10, 1, 100)?,
    ))
}

/// Page `page` of `items` (a borrowed slice: nothing is copied) and the
/// number of pages.
pub(crate) fn page_of<T>(items: &[T], page: i64, limit: i64) -> (&[T], i64) {
    let total = items.len() as i64;
    let total_pages = (total + limit - 1) / limit;
    // Saturating: a page number near i64::MAX is valid input, just past the end.
    let start = (page - 1).saturating_mul(limit).min(total) as usize;
    let end = start.saturating_add(limit as usize).min(items.len());
    (&items[start..end], total_pages)
}

/// Where a cursor-paginated list stands.
pub(crate) fn page_meta(has_more: bool, total: usize, url: String) -> t::PaginationMeta {
    t::PaginationMeta {
        has_more,
        total_count: Some(total as i64),
        url: Some(url),
    }
}

/// The items after `cursor` when given; `Err` when the cursor is unknown.
pub(crate) fn cursor_page<'a, T>(
    items: &'a [T],
    id: impl Fn(&T) -> &str,
    cursor: Option<&String>,
    limit: usize,
) -> Result<(&'a [T], bool), ApiError> {
    let start = match cursor.filter(|c| !c.is_empty()) {
        None => 0,
        Some(c) => match items.iter().position(|i| id(i) == c.as_str()) {
            Some(p) => p + 1,
            // 422 is documented on every list: the cursor is a parameter that failed validation.
            None => {
                return Err(validation(
                    &["query", "starting_after"],
                    "starting_after does not name an item of this list",
                    "value_error",
                ));
            }
        },
    };
    let end = start.saturating_add(limit).min(items.len());
    Ok((&items[start..end], end < items.len()))
}

/// One page of `all` as the query asks (`limit` from 1 to 100, default 20,
/// and the `starting_after` cursor), with its pagination block.
pub(crate) fn paginate<T: Clone>(
    all: &[T],
    id: impl Fn(&T) -> &str,
    q: &HashMap<String, String>,
    url: &str,
) -> Result<(Vec<T>, t::PaginationMeta), ApiError> {
    let limit = params::int(q, "limit", 20, 1, 100)? as usize;
    let (page, has_more) = cursor_page(all, id, q.get("starting_after"), limit)?;
    Ok((
        page.to_vec(),
        page_meta(has_more, all.len(), url.to_owned()),
    ))
}

/// `search`: keeps the items whose name contains it, ignoring case.
pub(crate) fn matches_search(q: &HashMap<String, String>, name: &str) -> bool {
    q.get("search")
        .is_none_or(|s| name.to_lowercase().contains(&s.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::page_of;

    #[test]
    fn pages_past_the_end_are_empty_even_for_huge_numbers() {
        let items = [1, 2, 3, 4, 5];
        assert_eq!(page_of(&items, 2, 2), (&[3, 4][..], 3));
        assert_eq!(page_of(&items, 3, 2), (&[5][..], 3));
        assert_eq!(page_of(&items, 4, 2), (&[][..], 3));
        assert_eq!(page_of(&items, i64::MAX, 100), (&[][..], 1));
        assert_eq!(page_of::<i32>(&[], 1, 10), (&[][..], 0));
    }
}
