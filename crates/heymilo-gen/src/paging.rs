//! What a list operation's builder can do to be paged through; the impls are
//! generated from each operation's `x-pagination`, the streams live in `heymilo`.

use crate::BoxFuture;

/// Where the next page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// The page the builder asks for as the caller configured it.
    First,
    /// After the item with this cursor (cursor pagination).
    Cursor(String),
    /// This page number, from 1 (page-number pagination).
    Number(u64),
}

/// One page of a list, reduced to what a paginator needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items, in server order.
    pub items: Vec<T>,
    /// Cursor lists: whether another page follows.
    pub has_more: Option<bool>,
    /// Cursor lists: the last item's cursor, from which the next page starts.
    pub next_cursor: Option<String>,
    /// Numbered lists: this page's number.
    pub page: Option<u64>,
    /// Numbered lists: how many pages there are.
    pub total_pages: Option<u64>,
    /// How many items there are in all, when the server says.
    pub total: Option<u64>,
}

impl<T> Page<T> {
    /// A cursor page; the next cursor is `cursor_of` the last item.
    pub fn cursor(
        items: Vec<T>,
        has_more: bool,
        total: Option<u64>,
        cursor_of: impl Fn(&T) -> Option<String>,
    ) -> Self {
        let next_cursor = items.last().and_then(cursor_of);
        Page {
            items,
            has_more: Some(has_more),
            next_cursor,
            page: None,
            total_pages: None,
            total,
        }
    }

    /// A numbered page.
    pub fn numbered(
        items: Vec<T>,
        page: Option<u64>,
        total_pages: Option<u64>,
        total: Option<u64>,
    ) -> Self {
        Page {
            items,
            has_more: None,
            next_cursor: None,
            page,
            total_pages,
            total,
        }
    }
}

/// A list operation's builder, positioned at a page and sent for one page.
pub trait Paged<'a>: Clone + Send + Unpin + Sized + 'a {
    /// The listed item type.
    type Item: Send + 'a;
    /// The operation's error type.
    type Error: Send + 'a;
    /// The operationId.
    const OPERATION: &'static str;

    /// This request, moved to `at` (filters and page size stay as set).
    fn at(self, at: &Position) -> Self;

    /// Sends the request and reduces the answer to a [`Page`].
    fn fetch_page(self) -> BoxFuture<'a, Result<Page<Self::Item>, Self::Error>>;
}

/// Helpers the generated impls call, so that required and optional fields of
/// any integer type read the same way.
#[doc(hidden)]
pub mod helpers {
    /// A list field, required or optional.
    pub trait IntoItems<T> {
        /// The items, empty when absent.
        fn into_items(self) -> Vec<T>;
    }
    impl<T> IntoItems<T> for Vec<T> {
        fn into_items(self) -> Vec<T> {
            self
        }
    }
    impl<T> IntoItems<T> for Option<Vec<T>> {
        fn into_items(self) -> Vec<T> {
            self.unwrap_or_default()
        }
    }
    /// A count field, of any integer type, required or optional.
    pub trait IntoCount {
        /// The count when present and not negative.
        fn into_count(self) -> Option<u64>;
    }
    impl IntoCount for i64 {
        fn into_count(self) -> Option<u64> {
            u64::try_from(self).ok()
        }
    }
    impl IntoCount for u64 {
        fn into_count(self) -> Option<u64> {
            Some(self)
        }
    }
    impl IntoCount for std::num::NonZeroU64 {
        fn into_count(self) -> Option<u64> {
            Some(self.get())
        }
    }
    impl<C: IntoCount> IntoCount for Option<C> {
        fn into_count(self) -> Option<u64> {
            self.and_then(IntoCount::into_count)
        }
    }
    /// A cursor field, required or optional.
    pub trait AsCursor {
        /// The cursor when present.
        fn as_cursor(&self) -> Option<String>;
    }
    impl AsCursor for String {
        fn as_cursor(&self) -> Option<String> {
            Some(self.clone())
        }
    }
    impl AsCursor for Option<String> {
        fn as_cursor(&self) -> Option<String> {
            self.clone()
        }
    }
}

/// Generated code calls these.
#[doc(hidden)]
pub fn items<T>(v: impl helpers::IntoItems<T>) -> Vec<T> {
    v.into_items()
}

/// Generated code calls these.
#[doc(hidden)]
pub fn count(v: impl helpers::IntoCount) -> Option<u64> {
    v.into_count()
}

/// Generated code calls these.
#[doc(hidden)]
pub fn cursor(v: &impl helpers::AsCursor) -> Option<String> {
    v.as_cursor()
}
