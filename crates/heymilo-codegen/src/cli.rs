//! The `heymilo api v1|v2 <operation>` command tree, generated from a spec.
//!
//! [`commands`] reads every operation into a [`Command`]: a kebab-case name
//! from its operationId, its tag, and one typed flag per path, query and
//! header parameter (bounds, enum values and the server's default in its
//! help) and per scalar property of its JSON body. [`source`] turns them into
//! Rust for `heymilo-cli`: a table of the commands, read by the CLI's runtime
//! to build clap commands, and one `call` function that sets each flag given
//! on the operation's generated builder and sends it through `heymilo::Client`.
//!
//! Nothing is defaulted by the CLI: a flag left out is left out of the
//! request, and the server applies its own default.

use heck::{ToKebabCase, ToSnakeCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Map, Value, json};

/// Flags the CLI itself defines on every `api` command (global options and
/// the runtime's own); a parameter of the same name is prefixed by where it
/// goes (`--query-format`), a body property of the same name stays in `--body`.
pub const RESERVED_FLAGS: &[&str] = &[
    "all",
    "api-key",
    "base-url",
    "body",
    "fields",
    "format",
    "help",
    "max-retries",
    "no-headers",
    "quiet",
    "timeout",
    "v1-url",
    "v2-url",
    "verbose",
    "version",
    "wide",
];

/// Where a flag's value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Location {
    /// A path parameter (always required).
    Path,
    /// A query parameter.
    Query,
    /// A header parameter.
    Header,
    /// A top-level property of the JSON body.
    Body,
}

/// What a flag's value is, as clap parses it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Kind {
    /// Any text.
    Text,
    /// One of the spec's enum values.
    Choice(Vec<String>),
    /// A non-negative integer within bounds.
    Unsigned {
        /// The spec's `minimum`.
        min: Option<u64>,
        /// The spec's `maximum`.
        max: Option<u64>,
    },
    /// An integer that may be negative.
    Signed,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
}

/// One flag of a command.
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    /// The long flag, without dashes.
    pub flag: String,
    /// The parameter or property name in the spec.
    pub name: String,
    /// The generated builder's setter (parameters only).
    pub setter: String,
    /// Where the value goes.
    pub location: Location,
    /// Whether clap requires it (path and required query/header parameters).
    pub required: bool,
    /// How it parses.
    pub kind: Kind,
    /// The help line.
    pub help: String,
}

/// The JSON body of a command.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// Whether the spec requires a body.
    pub required: bool,
    /// The body's required top-level properties.
    pub required_fields: Vec<String>,
    /// A body with the required properties, from the schema's examples,
    /// defaults and first enum values (shown in help).
    pub example: Value,
}

/// One operation as a command.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    /// The command name: the operationId in kebab case.
    pub name: String,
    /// The operation: id, method, path, pagination.
    pub op: crate::OperationInfo,
    /// The first tag, which groups commands in help.
    pub tag: String,
    /// One line for listings.
    pub about: String,
    /// Summary and description.
    pub long_about: String,
    /// Parameters, then body properties.
    pub flags: Vec<Flag>,
    /// The JSON body, if the operation takes one.
    pub body: Option<Body>,
    /// Whether the success response is bytes rather than JSON.
    pub bytes: bool,
}

impl Command {
    /// Whether `--all` streams every page (`x-pagination`).
    pub fn paged(&self) -> bool {
        self.op.pagination.is_some()
    }
}

/// Every operation of `spec` (the JSON form of a document the generation
/// rules have been applied to) as a command, in the order of `operations`
/// (the spec's: the JSON form's maps are sorted).
pub fn commands(spec: &Value, operations: &[crate::OperationInfo]) -> Result<Vec<Command>, String> {
    operations.iter().map(|info| command(spec, info)).collect()
}

fn command(spec: &Value, info: &crate::OperationInfo) -> Result<Command, String> {
    let item = &spec["paths"][&info.path];
    let op = &item[info.method.to_lowercase()];
    let id = &info.id;
    let fail = |m: String| format!("operation {id}: {m}");
    let mut flags = Vec::new();
    let params = item["parameters"].as_array().into_iter().flatten();
    for p in params.chain(op["parameters"].as_array().into_iter().flatten()) {
        let p = resolve(spec, p);
        let name = p["name"]
            .as_str()
            .ok_or_else(|| fail("a parameter has no name".into()))?;
        let location = match p["in"].as_str() {
            Some("path") => Location::Path,
            Some("query") => Location::Query,
            Some("header") => Location::Header,
            other => {
                return Err(fail(format!(
                    "parameter {name} in {other:?} is not supported"
                )));
            }
        };
        let schema = resolve(spec, &p["schema"]);
        let kind = kind(spec, schema).ok_or_else(|| {
            fail(format!(
                "parameter {name}: only scalar parameters are supported"
            ))
        })?;
        let base = match location {
            Location::Header => name.to_kebab_case().trim_start_matches("x-").to_owned(),
            _ => name.to_kebab_case(),
        };
        let flag = if RESERVED_FLAGS.contains(&base.as_str()) {
            format!("{}-{base}", p["in"].as_str().unwrap_or_default())
        } else {
            base
        };
        flags.push(Flag {
            flag,
            name: name.to_owned(),
            setter: name.to_snake_case(),
            location,
            required: location == Location::Path || p["required"] == json!(true),
            help: help(
                p["description"].as_str().or(schema["description"].as_str()),
                schema,
            ),
            kind,
        });
    }
    let body = match op.pointer("/requestBody") {
        None => None,
        Some(request) => {
            let request = resolve(spec, request);
            let schema = request
                .pointer("/content/application~1json/schema")
                .ok_or_else(|| fail("only JSON request bodies are supported".into()))?;
            let object = resolve(spec, schema);
            let required_fields: Vec<String> = object["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            for (name, property) in object["properties"].as_object().into_iter().flatten() {
                let property = resolve(spec, property);
                let flag = name.to_kebab_case();
                let taken =
                    RESERVED_FLAGS.contains(&flag.as_str()) || flags.iter().any(|f| f.flag == flag);
                if let (Some(kind), false) = (kind(spec, property), taken) {
                    flags.push(Flag {
                        flag,
                        name: name.clone(),
                        setter: String::new(),
                        location: Location::Body,
                        required: false,
                        help: help(property["description"].as_str(), property),
                        kind,
                    });
                }
            }
            Some(Body {
                required: request["required"] == json!(true),
                required_fields,
                example: example(spec, schema, 0),
            })
        }
    };
    let summary = op["summary"]
        .as_str()
        .map(one_line)
        .unwrap_or_else(|| id.to_owned());
    let long_about = match op["description"].as_str() {
        Some(d) => format!("{summary}\n\n{}", d.trim_end()),
        None => summary.clone(),
    };
    let json_response = op["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(code, _)| code.starts_with('2'))
        .map(|(_, r)| resolve(spec, r))
        .all(|r| {
            r.get("content")
                .is_none_or(|c| c.get("application/json").is_some())
        });
    Ok(Command {
        name: id.to_kebab_case(),
        op: info.clone(),
        tag: op["tags"][0].as_str().unwrap_or("Other").to_owned(),
        about: summary,
        long_about,
        flags,
        body,
        bytes: !json_response,
    })
}

/// Follows local `$ref`s (the one spec model's rule).
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    crate::spec::Spec::new(spec).deref(value)
}

/// The flag kind of a scalar schema; `None` for objects, arrays and unions.
fn kind(spec: &Value, schema: &Value) -> Option<Kind> {
    let schema = match schema["allOf"].as_array().map(Vec::as_slice) {
        Some([single]) => resolve(spec, single),
        _ => schema,
    };
    if let Some(values) = schema["enum"].as_array() {
        let names: Option<Vec<String>> = values
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect();
        return names.map(Kind::Choice);
    }
    let bound = |k: &str| schema[k].as_i64();
    match schema["type"].as_str()? {
        "string" => Some(Kind::Text),
        "integer" => match bound("minimum") {
            Some(min) if min >= 0 => Some(Kind::Unsigned {
                min: u64::try_from(min).ok(),
                max: schema["maximum"].as_u64(),
            }),
            _ => Some(Kind::Signed),
        },
        "number" => Some(Kind::Number),
        "boolean" => Some(Kind::Boolean),
        _ => None,
    }
}

/// Text on one line, white space collapsed.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A flag's help: its description, then bounds and the server's default.
fn help(description: Option<&str>, schema: &Value) -> String {
    let mut help = description.map(one_line).unwrap_or_default();
    let mut notes = Vec::new();
    match (schema["minimum"].as_i64(), schema["maximum"].as_i64()) {
        (Some(min), Some(max)) => notes.push(format!("{min}-{max}")),
        (Some(min), None) => notes.push(format!("at least {min}")),
        (None, Some(max)) => notes.push(format!("at most {max}")),
        (None, None) => {}
    }
    if let Some(default) = schema.get("default") {
        let shown = default
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| default.to_string());
        notes.push(format!("server default: {shown}"));
    }
    if !notes.is_empty() {
        help = format!("{help} [{}]", notes.join("; "))
            .trim_start()
            .to_owned();
    }
    help
}

/// A value for `schema` with only what is required: its example, default or
/// first enum value, else the required properties, one item, or a filler.
pub fn example(spec: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve(spec, schema);
    if depth > 16 {
        return Value::Null;
    }
    for key in ["example", "default"] {
        if let Some(v) = schema.get(key) {
            return v.clone();
        }
    }
    if let Some(first) = schema["enum"].get(0) {
        return first.clone();
    }
    if let Some(parts) = schema["allOf"].as_array() {
        let mut merged = Map::new();
        for part in parts {
            if let Value::Object(fields) = example(spec, part, depth + 1) {
                merged.extend(fields);
            }
        }
        if let Value::Object(own) = required_properties(spec, schema, depth) {
            merged.extend(own);
        }
        return Value::Object(merged);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = schema[key].get(0) {
            return example(spec, first, depth + 1);
        }
    }
    match schema["type"].as_str() {
        Some("array") => json!([example(spec, &schema["items"], depth + 1)]),
        Some("integer") => schema.get("minimum").cloned().unwrap_or(json!(1)),
        Some("number") => schema.get("minimum").cloned().unwrap_or(json!(1.0)),
        Some("boolean") => json!(true),
        Some("string") => json!("text"),
        _ => required_properties(spec, schema, depth),
    }
}

fn required_properties(spec: &Value, schema: &Value, depth: usize) -> Value {
    let properties = &schema["properties"];
    let fields = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str);
    Value::Object(
        fields
            .map(|f| (f.to_owned(), example(spec, &properties[f], depth + 1)))
            .collect(),
    )
}

/// The types of a generated builder, read from progenitor's output.
struct Signature {
    /// `types::X` of `.body(..)`, if it has one.
    body: Option<syn::Type>,
    /// `T` of `send()`'s `ResponseValue<T>`.
    response: syn::Type,
}

/// Reads the body and response type of operation `id` from the generated
/// client: `Client::id` returns `builder::X`, whose `body` and `send` say.
fn signature(client: &syn::File, id: &str) -> Result<Signature, String> {
    let mut builder = None;
    for item in &client.items {
        if let syn::Item::Impl(imp) = item
            && imp.trait_.is_none()
            && type_name(&imp.self_ty).as_deref() == Some("Client")
        {
            for f in &imp.items {
                if let syn::ImplItem::Fn(f) = f
                    && f.sig.ident == id
                    && let syn::ReturnType::Type(_, ty) = &f.sig.output
                {
                    builder = type_name(ty);
                }
            }
        }
    }
    let builder = builder.ok_or_else(|| format!("the generated client has no method {id}"))?;
    let module = client.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    });
    let (mut body, mut response) = (None, None);
    for item in module.into_iter().flatten() {
        let syn::Item::Impl(imp) = item else { continue };
        if type_name(&imp.self_ty).as_deref() != Some(builder.as_str()) {
            continue;
        }
        for f in &imp.items {
            let syn::ImplItem::Fn(f) = f else { continue };
            if f.sig.ident == "body" {
                body = f
                    .sig
                    .generics
                    .where_clause
                    .iter()
                    .flat_map(|w| &w.predicates)
                    .find_map(|p| match p {
                        syn::WherePredicate::Type(t) => t.bounds.iter().find_map(|b| match b {
                            syn::TypeParamBound::Trait(t) => {
                                first_argument(t.path.segments.last()?)
                            }
                            _ => None,
                        }),
                        _ => None,
                    });
            } else if f.sig.ident == "send"
                && let syn::ReturnType::Type(_, ty) = &f.sig.output
                && let syn::Type::Path(result) = &**ty
            {
                response = result
                    .path
                    .segments
                    .last()
                    .and_then(first_argument)
                    .and_then(|value| match value {
                        syn::Type::Path(v) => first_argument(v.path.segments.last()?),
                        _ => None,
                    });
            }
        }
    }
    let response =
        response.ok_or_else(|| format!("builder::{builder}::send has no ResponseValue<T>"))?;
    Ok(Signature { body, response })
}

/// The last path segment's name (`builder::X<'_>` is `X`).
fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The first type argument of a path segment (`Result<T, E>` is `T`).
fn first_argument(segment: &syn::PathSegment) -> Option<syn::Type> {
    match &segment.arguments {
        syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        }),
        _ => None,
    }
}

/// The Rust source of the `heymilo api <module>` commands (`COMMANDS` and
/// `call`), and of `RESPONSES`, a table of decoders of each command's
/// output kept apart for tests.
pub(crate) fn source(
    module: &str,
    commands: &[Command],
    client: &syn::File,
) -> Result<(TokenStream, TokenStream), String> {
    let generation = format_ident!("{module}");
    let mut table = Vec::new();
    let mut arms = Vec::new();
    let mut decoders = Vec::new();
    for command in commands {
        let item = command
            .op
            .paged_types
            .as_ref()
            .map(|t| format_ident!("{}", t.item));
        let Command {
            name,
            op,
            tag,
            about,
            long_about,
            ..
        } = command;
        let (operation, paged) = (&op.id, command.paged());
        let sig = signature(client, operation)?;
        let flags = command.flags.iter().map(|f| {
            let Flag { flag, name, required, help, .. } = f;
            let value_name = flag.to_uppercase().replace('-', "_");
            let location = format_ident!("{}", format!("{:?}", f.location));
            let kind = match &f.kind {
                Kind::Text => quote! { super::Kind::Text },
                Kind::Choice(values) => quote! { super::Kind::Choice(&[#(#values),*]) },
                Kind::Unsigned { min, max } => {
                    let min = min.unwrap_or(0);
                    let max = max.map_or_else(|| quote! { u64::MAX }, |m| quote! { #m });
                    quote! { super::Kind::Unsigned(#min..=#max) }
                }
                Kind::Signed => quote! { super::Kind::Signed },
                Kind::Number => quote! { super::Kind::Number },
                Kind::Boolean => quote! { super::Kind::Boolean },
            };
            quote! {
                super::Flag { flag: #flag, value_name: #value_name, name: #name, location: super::Location::#location, required: #required, kind: #kind, help: #help }
            }
        });
        let body = match &command.body {
            None => quote! { None },
            Some(b) => {
                let required = b.required;
                let fields = &b.required_fields;
                let example = b.example.to_string();
                quote! { Some(super::Body { required: #required, required_fields: &[#(#fields),*], example: #example }) }
            }
        };
        let index = table.len();
        table.push(quote! {
            super::Operation {
                name: #name, tag: #tag, about: #about, long_about: #long_about,
                flags: &[#(#flags),*], body: #body, paged: #paged,
            }
        });

        let method = format_ident!("{operation}");
        let mutable = (command.body.is_some()
            || command.flags.iter().any(|f| f.location != Location::Body))
        .then(|| quote! { mut });
        let sets = command
            .flags
            .iter()
            .filter(|f| f.location != Location::Body)
            .map(|f| {
                let (flag, setter) = (&f.flag, format_ident!("{}", f.setter));
                let ty = match &f.kind {
                    Kind::Text | Kind::Choice(_) => quote! { String },
                    Kind::Unsigned { .. } => quote! { u64 },
                    Kind::Signed => quote! { i64 },
                    Kind::Number => quote! { f64 },
                    Kind::Boolean => quote! { bool },
                };
                quote! { if let Some(v) = super::value::<#ty>(m, #flag) { r = r.#setter(v); } }
            });
        let body = match (&command.body, &sig.body) {
            (None, _) => quote! {},
            (Some(_), Some(ty)) => {
                let ty = in_module(&generation, ty);
                quote! {
                if let Some(body) = super::body::<#ty>(m, &COMMANDS[#index])? { r = r.body(body); }
                }
            }
            (Some(_), None) => {
                return Err(format!(
                    "operation {operation}: the generated builder takes no body"
                ));
            }
        };
        let send = if command.bytes {
            quote! { super::bytes(out, r.send().await).await }
        } else if paged {
            quote! {
                if super::all(m) { super::stream(out, r).await } else { super::print(out, r.send().await) }
            }
        } else {
            quote! { super::print(out, r.send().await) }
        };
        arms.push(quote! {
            #name => {
                let #mutable r = client.#generation().#method();
                #(#sets)*
                #body
                #send
            }
        });

        let response = in_module(&generation, &sig.response);
        let decode = if command.bytes {
            quote! { |_| Ok(()) }
        } else {
            quote! { |t| serde_json::from_str::<#response>(t).map(drop) }
        };
        let item = match item {
            Some(item) => {
                quote! { Some(|t| serde_json::from_str::<#generation::types::#item>(t).map(drop)) }
            }
            None => quote! { None },
        };
        decoders.push(quote! { (#name, #decode, #item) });
    }
    let doc =
        format!("Every operation of HeyMilo API {module}, as `heymilo api {module}` commands.");
    let commands = quote! {
        use heymilo::#generation;

        #[doc = #doc]
        pub const COMMANDS: &[super::Operation] = &[#(#table),*];

        /// Sends operation `name` with the flags in `m` through the client.
        pub async fn call(client: &heymilo::Client, name: &str, m: &clap::ArgMatches, out: &super::Call) -> anyhow::Result<()> {
            match name {
                #(#arms)*
                _ => Err(super::unknown(name)),
            }
        }
    };
    let checks = quote! {
        use heymilo::#generation;

        /// Decodes one line of output as a type.
        pub type Decode = fn(&str) -> serde_json::Result<()>;

        /// Each command's output decoded as its response type, and an item of
        /// `--all` as its item type: (command, response, item).
        pub const RESPONSES: &[(&str, Decode, Option<Decode>)] = &[#(#decoders),*];
    };
    Ok((commands, checks))
}

/// A type of the generated client as the CLI names it: `types::X` is
/// `v2::types::X`; `()` stays itself.
fn in_module(generation: &proc_macro2::Ident, ty: &syn::Type) -> TokenStream {
    match ty {
        syn::Type::Path(p) if p.path.segments.first().is_some_and(|s| s.ident == "types") => {
            quote! { #generation::#ty }
        }
        _ => quote! { #ty },
    }
}
