//! The shop's settings: currency and locale of prices, when carts count as abandoned, and
//! the payment provider.

use crate::error::ApiResult;
use crate::extract::{ApiJson, Auth};
use crate::openapi::{AuthErrors, InputErrors};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use shoptalk_types::commerce::{ShopSettings, ShopSettingsPatch};

/// The shop's settings (defaults until an admin changes them).
#[utoipa::path(
    get, path = "/api/v1/shop", tag = "shop",
    security(("bearer" = [])),
    responses((status = 200, description = "The settings", body = ShopSettings), AuthErrors)
)]
pub async fn get_shop(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> ApiResult<Json<ShopSettings>> {
    Ok(Json(state.app.get_shop_settings(&actor).await?))
}

/// Changes some settings: `currency` (active ISO 4217 code), `locale` (BCP 47 language,
/// optional script and region, e.g. `de-DE`), `abandon_after_minutes` (5–43200),
/// `payment_provider`. Absent fields are left alone.
#[utoipa::path(
    patch, path = "/api/v1/shop", tag = "shop",
    security(("bearer" = [])),
    request_body = ShopSettingsPatch,
    responses((status = 200, description = "Updated", body = ShopSettings), AuthErrors, InputErrors)
)]
pub async fn update_shop(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(patch): ApiJson<ShopSettingsPatch>,
) -> ApiResult<Json<ShopSettings>> {
    Ok(Json(state.app.update_shop_settings(&actor, &patch).await?))
}
