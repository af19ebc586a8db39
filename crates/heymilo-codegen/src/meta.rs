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
        /// The response field holding this page's number.
        page_field: String,
        /// The response field holding the number of pages.
        total_pages_field: String,
        /// The response field holding the number of items in all.
        total_field: String,
    },
}

/// The Rust types a list operation pages over, named as typify names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagedTypes {
    /// The builder struct (PascalCase operationId).
    pub builder: String,
    /// The success response type.
    pub response: String,
    /// The item type.
    pub item: String,
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
    /// The types of a list operation, when it has `x-pagination`.
    pub paged_types: Option<PagedTypes>,
    /// Integer query parameters with bounds: (name, minimum, maximum).
    pub query_ranges: Vec<(String, Option<i64>, Option<i64>)>,
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
            let query_ranges = query_ranges(spec, item, op);
            let paged_types = match &pagination {
                None => None,
                Some(p) => Some(paged_types(spec, &id, op, p).map_err(|m| fail(&m))?),
            };
            out.push(OperationInfo {
                id,
                method: method.to_uppercase(),
                path: path.clone(),
                idempotent,
                idempotent_unless,
                pagination,
                paged_types,
                query_ranges,
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
            page_field: field("page_field")?,
            total_pages_field: field("total_pages_field")?,
            total_field: field("total_field")?,
        }),
        other => Err(format!(
            "x-pagination.style {other:?} is neither cursor nor page"
        )),
    }
}

/// The bounds of every integer query parameter (path-level and operation-level).
fn query_ranges(
    spec: &openapiv3::OpenAPI,
    item: &openapiv3::PathItem,
    op: &openapiv3::Operation,
) -> Vec<(String, Option<i64>, Option<i64>)> {
    use openapiv3::{Parameter, ParameterSchemaOrContent, ReferenceOr, SchemaKind, Type};
    let resolve = |p: &ReferenceOr<Parameter>| -> Option<Parameter> {
        match p {
            ReferenceOr::Item(p) => Some(p.clone()),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/parameters/")?;
                spec.components
                    .as_ref()?
                    .parameters
                    .get(name)?
                    .as_item()
                    .cloned()
            }
        }
    };
    let mut out = Vec::new();
    for p in item
        .parameters
        .iter()
        .chain(&op.parameters)
        .filter_map(resolve)
    {
        let Parameter::Query { parameter_data, .. } = p else {
            continue;
        };
        let ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) = &parameter_data.format
        else {
            continue;
        };
        if let SchemaKind::Type(Type::Integer(i)) = &schema.schema_kind
            && (i.minimum.is_some() || i.maximum.is_some())
        {
            out.push((parameter_data.name.clone(), i.minimum, i.maximum));
        }
    }
    out
}

/// Finds the response and item types of a paginated operation: the 2xx
/// response must `$ref` a component whose `items` property is an array of `$ref`s.
fn paged_types(
    spec: &openapiv3::OpenAPI,
    id: &str,
    op: &openapiv3::Operation,
    pagination: &Pagination,
) -> Result<PagedTypes, String> {
    use heck::ToUpperCamelCase;
    use openapiv3::{ReferenceOr, SchemaKind, Type};
    let items_field = match pagination {
        Pagination::Cursor { items, .. } | Pagination::Page { items, .. } => items,
    };
    let response = op
        .responses
        .responses
        .iter()
        .find(|(code, _)| matches!(code, openapiv3::StatusCode::Code(c) if (200..300).contains(c)))
        .and_then(|(_, r)| r.as_item())
        .and_then(|r| r.content.get("application/json"))
        .and_then(|m| m.schema.as_ref())
        .and_then(|s| match s {
            ReferenceOr::Reference { reference } => reference.strip_prefix("#/components/schemas/"),
            ReferenceOr::Item(_) => None,
        })
        .ok_or("a paginated operation's 2xx response must $ref a component schema")?;
    let schema = spec
        .components
        .as_ref()
        .and_then(|c| c.schemas.get(response))
        .and_then(|s| s.as_item())
        .ok_or_else(|| format!("schema {response} is missing"))?;
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return Err(format!("schema {response} must be an object"));
    };
    let item = object
        .properties
        .get(items_field)
        .and_then(|p| p.as_item())
        .and_then(|p| match &p.schema_kind {
            SchemaKind::Type(Type::Array(a)) => a.items.as_ref(),
            _ => None,
        })
        .and_then(|i| match i {
            ReferenceOr::Reference { reference } => reference.strip_prefix("#/components/schemas/"),
            ReferenceOr::Item(_) => None,
        })
        .ok_or_else(|| format!("{response}.{items_field} must be an array of $ref items"))?;
    Ok(PagedTypes {
        builder: id.to_upper_camel_case(),
        response: response.to_upper_camel_case(),
        item: item.to_upper_camel_case(),
    })
}

/// The `Paged` impls that let the `heymilo` crate page through every list
/// operation without a hand-written list of them.
pub(crate) fn paged_impls(ops: &[OperationInfo]) -> TokenStream {
    let impls = ops.iter().filter_map(|op| {
        let (pagination, types) = (op.pagination.as_ref()?, op.paged_types.as_ref()?);
        let ident = |s: &str| proc_macro2::Ident::new(s, proc_macro2::Span::call_site());
        let field = |s: &str| ident(if s == "type" { "type_" } else { s });
        let builder = ident(&types.builder);
        let id = &op.id;
        let item = ident(&types.item);
        let (position, page) = match pagination {
            Pagination::Cursor { items, cursor_param, cursor_field } => {
                let (items, param, cursor) = (field(items), ident(cursor_param), field(cursor_field));
                (
                    quote! {
                        match at {
                            crate::Position::Cursor(cursor) => self.#param(cursor.clone()),
                            _ => self,
                        }
                    },
                    quote! {
                        crate::Page::cursor(
                            crate::paging::items(page.#items),
                            page.pagination.has_more,
                            crate::paging::count(page.pagination.total_count),
                            |item| crate::paging::cursor(&item.#cursor),
                        )
                    },
                )
            }
            Pagination::Page { items, page_param, page_field, total_pages_field, total_field, .. } => {
                let (items, param) = (field(items), ident(page_param));
                let (page_no, pages, total) = (field(page_field), field(total_pages_field), field(total_field));
                (
                    quote! {
                        match at {
                            crate::Position::Number(n) => self.#param(*n),
                            _ => self,
                        }
                    },
                    quote! {
                        crate::Page::numbered(
                            crate::paging::items(page.#items),
                            crate::paging::count(page.#page_no),
                            crate::paging::count(page.#pages),
                            crate::paging::count(page.#total),
                        )
                    },
                )
            }
        };
        Some(quote! {
            impl<'a> crate::Paged<'a> for builder::#builder<'a> {
                type Item = types::#item;
                type Error = Error<types::ErrorBody>;
                const OPERATION: &'static str = #id;

                fn at(self, at: &crate::Position) -> Self {
                    #position
                }

                fn fetch_page(self) -> crate::BoxFuture<'a, Result<crate::Page<Self::Item>, Self::Error>> {
                    Box::pin(async move {
                        let page = self.send().await?.into_inner();
                        Ok(#page)
                    })
                }
            }
        })
    });
    quote! { #(#impls)* }
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
                ..
            }) => quote! {
                Some(crate::Pagination::Page {
                    items: #items,
                    page_param: #page_param,
                    limit_param: #limit_param,
                    total_pages_field: #total_pages_field,
                })
            },
        };
        let ranges = op.query_ranges.iter().map(|(name, min, max)| {
            let min = match min {
                Some(v) => quote! { Some(#v) },
                None => quote! { None },
            };
            let max = match max {
                Some(v) => quote! { Some(#v) },
                None => quote! { None },
            };
            quote! { (#name, #min, #max) }
        });
        quote! {
            crate::OperationMeta {
                query_ranges: &[#(#ranges),*],
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
