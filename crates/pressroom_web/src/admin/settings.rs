//! Site settings, for admins: the site's name in each language, its time zone, whether staff
//! must use a second factor, what outbound requests may reach, sections and their names, the register's document types, and
//! languages.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use pressroom_domain::{DocumentType, Lang, SectionKey, SiteZone};
use pressroom_render::admin_views::{FieldMessage, NamedField, OutboundView, SectionForm, SettingsPage};
use pressroom_store::StoreError;

use super::session::{Staff, REQUIRE_TOTP};
use super::{notice_from, respond, see_other, Desk, Fields};
use crate::{AppState, WebError};

pub async fn page(
    State(state): State<AppState>,
    staff: Staff,
    desk: Desk,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    staff.require_admin()?;
    settings_page(&state, &staff, &desk, Vec::new(), notice_from(&query), StatusCode::OK).await
}

async fn settings_page(
    state: &AppState,
    staff: &Staff,
    desk: &Desk,
    errors: Vec<FieldMessage>,
    notice: Option<&str>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let site = &desk.site;
    let names_of = |section: Option<&pressroom_domain::Section>| {
        site.languages
            .iter()
            .map(|l| NamedField {
                lang: l.code.to_string(),
                label: l.native_name.clone(),
                value: section
                    .map(|s| s.names.iter().find(|(lang, _)| *lang == l.code).map(|(_, n)| n.clone()).unwrap_or_default())
                    .unwrap_or_default(),
            })
            .collect::<Vec<_>>()
    };
    let view = SettingsPage {
        layout: desk.layout(state, Some(staff), &desk.text("settings"), "/admin/settings", notice),
        site_names: site
            .languages
            .iter()
            .map(|l| NamedField { lang: l.code.to_string(), label: l.native_name.clone(), value: l.site_name.clone() })
            .collect(),
        require_totp: state.store.setting(REQUIRE_TOTP).await?.as_deref() == Some("1"),
        outbound: crate::outbound::OutboundPolicy::load(&state.store).await.map(|p| OutboundView {
            allow_private: p.allow_private,
            extra_ports: p.extra_ports.iter().map(u16::to_string).collect::<Vec<_>>().join(", "),
        })?,
        time_zone: site.zone.name().to_owned(),
        time_zones: SiteZone::known_names(),
        sections: site.sections.iter().map(|s| SectionForm { key: s.key.to_string(), names: names_of(Some(s)) }).collect(),
        new_section: SectionForm { key: String::new(), names: names_of(None) },
        languages: site
            .languages
            .iter()
            .map(|l| NamedField { lang: l.code.to_string(), label: l.native_name.clone(), value: l.site_name.clone() })
            .collect(),
        document_types: site
            .document_types
            .iter()
            .map(|t| {
                let names = site.languages.iter().map(|l| t.names.iter().find(|(lang, _)| *lang == l.code.as_str()).map_or("", |(_, n)| n));
                std::iter::once(t.key.as_str()).chain(names).collect::<Vec<_>>().join(" | ")
            })
            .collect::<Vec<_>>()
            .join("\n"),
        document_type_langs: site.languages.iter().map(|l| l.code.as_str()).collect::<Vec<_>>().join(", "),
        errors,
    };
    Ok(respond(state, status, &view))
}

/// `POST /admin/settings`: site names, the time zone, the second-factor requirement and what
/// outbound requests (webhooks) may reach.
pub async fn save(State(state): State<AppState>, staff: Staff, desk: Desk, fields: Fields) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    staff.require_admin()?;
    // Checked first, so that a mistyped zone changes nothing.
    let Ok(zone) = SiteZone::parse(fields.get("time_zone")) else {
        let errors = vec![FieldMessage { field: "time_zone".into(), message: desk.text("error_time_zone") }];
        return settings_page(&state, &staff, &desk, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let names: Vec<(Lang, String)> = desk
        .site
        .languages
        .iter()
        .filter_map(|l| fields.0.get(&format!("site_name_{}", l.code)).map(|n| (l.code.clone(), n.trim().to_owned())))
        .filter(|(_, n)| !n.is_empty())
        .collect();
    state.store.set_site_names(&names, &staff.actor()).await?;
    let Some(ports) = crate::outbound::parse_ports(fields.get("outbound_extra_ports")) else {
        let errors = vec![FieldMessage { field: "outbound_extra_ports".into(), message: desk.text("error_ports") }];
        return settings_page(&state, &staff, &desk, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let require = if fields.get("require_totp") == "on" { "1" } else { "0" };
    state.store.set_setting(REQUIRE_TOTP, require, &staff.actor()).await?;
    let private = if fields.get("outbound_allow_private") == "on" { "1" } else { "0" };
    state.store.set_setting(crate::outbound::ALLOW_PRIVATE_SETTING, private, &staff.actor()).await?;
    let ports = ports.iter().map(u16::to_string).collect::<Vec<_>>().join(", ");
    state.store.set_setting(crate::outbound::EXTRA_PORTS_SETTING, &ports, &staff.actor()).await?;
    if zone != desk.site.zone {
        state.store.set_time_zone(&zone, &staff.actor()).await?;
    }
    Ok(see_other("/admin/settings?notice=settings_saved"))
}

/// `POST /admin/settings/document-types`: replaces the register's list of document types.
pub async fn save_document_types(State(state): State<AppState>, staff: Staff, desk: Desk, fields: Fields) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    staff.require_admin()?;
    let langs: Vec<&str> = desk.site.languages.iter().map(|l| l.code.as_str()).collect();
    let Some(types) = parse_document_types(fields.get("document_types"), &langs) else {
        let errors = vec![FieldMessage { field: "document_types".into(), message: desk.text("error_document_types") }];
        return settings_page(&state, &staff, &desk, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    state.store.set_document_types(&types, &staff.actor()).await?;
    Ok(see_other("/admin/settings?notice=settings_saved"))
}

/// `key | name | name` lines, the names in `langs`' order: `None` unless every line has a valid
/// key, unique, and there is at least one.
fn parse_document_types(text: &str, langs: &[&str]) -> Option<Vec<DocumentType>> {
    let mut types: Vec<DocumentType> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let mut parts = line.split('|').map(str::trim);
        let key = parts.next()?.to_owned();
        if !DocumentType::is_key(&key) || types.iter().any(|t| t.key == key) {
            return None;
        }
        let names = langs
            .iter()
            .zip(parts)
            .filter(|(_, name)| !name.is_empty() && name.chars().count() <= 100)
            .map(|(lang, name)| ((*lang).to_owned(), name.to_owned()))
            .collect();
        types.push(DocumentType { key, names });
    }
    (!types.is_empty()).then_some(types)
}

/// `POST /admin/settings/sections`: adds a section or renames one.
pub async fn save_section(State(state): State<AppState>, staff: Staff, desk: Desk, fields: Fields) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    staff.require_admin()?;
    let Ok(key) = SectionKey::parse(fields.get("key").trim()) else {
        let errors = vec![FieldMessage { field: "key".into(), message: desk.text("error_key_invalid") }];
        return settings_page(&state, &staff, &desk, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let names: Vec<(Lang, String)> =
        desk.site.languages.iter().filter_map(|l| fields.0.get(&format!("name_{}", l.code)).map(|n| (l.code.clone(), n.clone()))).collect();
    state.store.save_section(&key, &names, &staff.actor()).await?;
    Ok(see_other("/admin/settings?notice=settings_saved"))
}

/// `POST /admin/settings/languages`: adds a language.
pub async fn add_language(State(state): State<AppState>, staff: Staff, desk: Desk, fields: Fields) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    staff.require_admin()?;
    let native = fields.get("native_name").trim();
    let site_name = fields.get("site_name").trim();
    let code = match Lang::parse(fields.get("code").trim()) {
        Ok(code) if !native.is_empty() && !site_name.is_empty() => code,
        _ => {
            let errors = vec![FieldMessage { field: "code".into(), message: desk.text("error_language_code") }];
            return settings_page(&state, &staff, &desk, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match state.store.add_language(&code, native, site_name, &staff.actor()).await {
        Ok(()) => Ok(see_other("/admin/settings?notice=settings_saved")),
        Err(StoreError::Conflict(_)) => {
            let errors = vec![FieldMessage { field: "code".into(), message: desk.text("error_language_taken") }];
            settings_page(&state, &staff, &desk, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(other.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_types_are_read_a_line_each() {
        let types = parse_document_types("decision | Решение | Decision\n\n  resolution|Резолюция  \n", &["ru", "en"]).unwrap();
        assert_eq!(types.len(), 2);
        assert_eq!(types[1].names, [("ru".to_owned(), "Резолюция".to_owned())]);
        assert_eq!(parse_document_types("Decision | Решение", &["ru"]), None, "a key is lower case");
        assert_eq!(parse_document_types("a | A\na | B", &["en"]), None, "keys are unique");
        assert_eq!(parse_document_types("  ", &["en"]), None, "at least one type");
    }
}
