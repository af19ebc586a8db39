//! Operation metadata from the spec's vendor extensions, and the Rust table
//! generated from it.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

/// How a list operation pages, from its `x-pagination` extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pagination {
    /// Cursor pages: send the last item's `cursor_field` as `cursor_param`,
    /// stop when `pagination.has_more` is false.
    Cursor {
        /// The response field holding the items.
        items: String,
        /// The query parameter carrying the cursor.
        cursor_param: String,
        /// The item field whose value is the next cursor.
        cursor_field: String,
    },
    /// Numbered pages: `page_param` counts from 1 up to `total_pages_field`.
    Page {
        /// The response field holding the items.
        items: String,
        /// The query parameter carrying the page number.
        page_param: String,
        /// The query parameter carrying the page size.
        limit_param: String,
        /// The response field holding the number of pages.
        total_pages_field: String,
    },
}

/// One operation of a spec, as the SDK's runtime needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationInfo {
    /// The operationId (the generated method's name).
    pub id: String,
    /// The HTTP method, upper case.
    pub method: String,
    /// The path template.
    pub path: String,
    /// `x-idempotent`: sending the request twice has the effect of sending it once.
    pub idempotent: bool,
    /// `x-idempotent-unless`: a boolean body field that, when true, makes a
    /// non-idempotent operation create again (e.g. `retake`); when false or
    /// absent the operation is idempotent.
    pub idempotent_unless: Option<String>,
    /// `x-pagination`, for list operations.
    pub pagination: Option<Pagination>,
}

/// Reads every operation of the spec with its vendor extensions.
///
/// Every operation must say `x-idempotent`: the retry policy depends on it,
/// so a missing value is an error rather than a silent default.
pub fn read_operations(spec: &openapiv3::OpenAPI) -> Result<Vec<OperationInfo>, (String, String)> {
    let mut out = Vec::new();
    for (path, item) in spec.paths.iter() {
        let Some(item) = item.as_item() else { continue };
        for (method, op) in item.iter() {
            let id = op
                .operation_id
                .clone()
                .ok_or_else(|| (format!("{method} {path}"), "has no operationId".to_owned()))?;
            let fail = |message: &str| (id.clone(), message.to_owned());
            let idempotent = match op.extensions.get("x-idempotent") {
                Some(Value::Bool(b)) => *b,
                Some(_) => return Err(fail("x-idempotent must be true or false")),
                None => return Err(fail("x-idempotent is missing")),
            };
            let idempotent_unless = match op.extensions.get("x-idempotent-unless") {
                None => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(_) => return Err(fail("x-idempotent-unless must name a body field")),
            };
            let pagination = match op.extensions.get("x-pagination") {
                None => None,
                Some(v) => Some(read_pagination(v).map_err(|m| fail(&m))?),
            };
            out.push(OperationInfo {
                id,
                method: method.to_uppercase(),
                path: path.clone(),
                idempotent,
                idempotent_unless,
                pagination,
            });
        }
    }
    Ok(out)
}

fn read_pagination(v: &Value) -> Result<Pagination, String> {
    let field = |name: &str| {
        v.get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("x-pagination.{name} is missing or not a string"))
    };
    match field("style")?.as_str() {
        "cursor" => Ok(Pagination::Cursor {
            items: field("items")?,
            cursor_param: field("cursor_param")?,
            cursor_field: field("cursor_field")?,
        }),
        "page" => Ok(Pagination::Page {
            items: field("items")?,
            page_param: field("page_param")?,
            limit_param: field("limit_param")?,
            total_pages_field: field("total_pages_field")?,
        }),
        other => Err(format!(
            "x-pagination.style {other:?} is neither cursor nor page"
        )),
    }
}

/// The `OPERATIONS` table and `operation()` lookup appended to the generated client.
pub(crate) fn operation_table(ops: &[OperationInfo]) -> TokenStream {
    let entries = ops.iter().map(|op| {
        let OperationInfo {
            id,
            method,
            path,
            idempotent,
            ..
        } = op;
        let unless = match &op.idempotent_unless {
            Some(f) => quote! { Some(#f) },
            None => quote! { None },
        };
        let pagination = match &op.pagination {
            None => quote! { None },
            Some(Pagination::Cursor {
                items,
                cursor_param,
                cursor_field,
            }) => quote! {
                Some(crate::Pagination::Cursor {
                    items: #items,
                    cursor_param: #cursor_param,
                    cursor_field: #cursor_field,
                })
            },
            Some(Pagination::Page {
                items,
                page_param,
                limit_param,
                total_pages_field,
            }) => quote! {
                Some(crate::Pagination::Page {
                    items: #items,
                    page_param: #page_param,
                    limit_param: #limit_param,
                    total_pages_field: #total_pages_field,
                })
            },
        };
        quote! {
            crate::OperationMeta {
                id: #id,
                method: #method,
                path: #path,
                idempotent: #idempotent,
                idempotent_unless: #unless,
                pagination: #pagination,
            }
        }
    });
    let arms = ops.iter().enumerate().map(|(i, op)| {
        let id = &op.id;
        quote! { #id => Some(&OPERATIONS[#i]), }
    });
    quote! {
        /// Every operation of this API with the facts the runtime needs,
        /// read from the spec's `x-idempotent` and `x-pagination` extensions.
        pub const OPERATIONS: &[crate::OperationMeta] = &[ #(#entries),* ];

        /// Looks an operation up by its operationId.
        pub fn operation(id: &str) -> Option<&'static crate::OperationMeta> {
            match id {
                #(#arms)*
                _ => None,
            }
        }
    }
}
