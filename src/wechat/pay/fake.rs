//! A fake WeChat Pay API v3 (partner mode) for demo mode and the tests, speaking the real protocol
//! so the service's client cannot tell: it checks every request's `Authorization` signature with
//! the merchant's public key, signs every answer and notification with a platform key pair of its
//! own (made when it starts), encrypts notification resources with the APIv3 key, and posts them
//! to the `notify_url` of the trade.
//!
//! What a real payer would do is done through `/fake/pay/…`:
//! - `GET /fake/pay/confirm?prepay_id=…&redirect=…`: the H5 page's stand-in for the WeChat
//!   cashier, a page with one button;
//! - `POST /fake/pay/confirm {"prepay_id": …}`: pays the trade (and sends the notification).
//!
//! The tests reach it in-process too: hold notifications back, send them again, or sign one
//! with any timestamp ([`FakeWeChatPay::notice`]).

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use chrono::{DateTime, Utc};
use poem::{
    EndpointExt, IntoResponse, Request, Response, Route, Server, get, handler,
    http::StatusCode,
    listener::{Acceptor, Listener, TcpListener},
    post,
    web::{Data, Html, Json, Path, Query},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    bill::{self, BillRefund, BillRow},
    crypto::{self, ApiV3Key, PublicKey, SigningIdentity},
};
use crate::clock::{Clock, SHANGHAI};

#[derive(Clone)]
pub struct FakeWeChatPay {
    inner: Arc<Inner>,
}

struct Inner {
    sp_mchid: String,
    sp_appid: String,
    merchant: PublicKey,
    platform: SigningIdentity,
    apiv3: ApiV3Key,
    clock: Clock,
    http: reqwest::Client,
    state: Mutex<FakeState>,
}

#[derive(Default)]
struct FakeState {
    trades: HashMap<String, Trade>,
    prepay_ids: HashMap<String, String>,
    refunds: HashMap<String, Refund>,
    sent: Vec<SentNotice>,
    hold_notices: bool,
    calls: u64,
    bill: BillTamper,
    /// Download tokens to the bills they name.
    bill_files: HashMap<String, String>,
}

/// What the tests make a bill say that did not happen, so the reconciliation has something to
/// find.
#[derive(Default)]
struct BillTamper {
    /// The bill shows another amount for these trades.
    misstated: HashMap<String, i64>,
    /// The bill leaves these trades out.
    omitted: std::collections::HashSet<String>,
    /// Rows of payments and refunds WeChat Pay never made through the service.
    planted: Vec<(BillRow, String)>,
}

#[derive(Clone)]
struct Trade {
    sub_mchid: String,
    out_trade_no: String,
    amount_fen: i64,
    openid: String,
    notify_url: String,
    expires_at: DateTime<Utc>,
    state: &'static str,
    transaction_id: Option<String>,
    success_time: Option<DateTime<Utc>>,
    refunded_fen: i64,
}

#[derive(Clone)]
struct Refund {
    out_trade_no: String,
    refund_id: String,
    amount_fen: i64,
    notify_url: String,
    success_time: DateTime<Utc>,
}

/// A notification as the fake sent it (or would have, while held back).
#[derive(Clone, Debug)]
pub struct SentNotice {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The HTTP status the service answered, `None` while held back or unreachable.
    pub answered: Option<u16>,
}

impl FakeWeChatPay {
    /// `platform` signs; `merchant` is the public half of the key the service signs with.
    pub fn new(
        sp_mchid: &str,
        sp_appid: &str,
        merchant: PublicKey,
        platform: SigningIdentity,
        apiv3: ApiV3Key,
        clock: Clock,
    ) -> Self {
        crate::wechat::client::install_crypto_provider();
        Self {
            inner: Arc::new(Inner {
                sp_mchid: sp_mchid.into(),
                sp_appid: sp_appid.into(),
                merchant,
                platform,
                apiv3,
                clock,
                http: reqwest::Client::new(),
                state: Mutex::default(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FakeState> {
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Notifications are kept, not sent, until [`Self::release_notices`] (a late notification).
    pub fn hold_notices(&self, hold: bool) {
        self.lock().hold_notices = hold;
    }

    /// Every notification made so far, oldest first.
    pub fn notices(&self) -> Vec<SentNotice> {
        self.lock().sent.clone()
    }

    /// The day's bill will show `amount_fen` for this trade instead of what was paid.
    pub fn misstate_in_bill(&self, out_trade_no: &str, amount_fen: i64) {
        self.lock()
            .bill
            .misstated
            .insert(out_trade_no.to_string(), amount_fen);
    }

    /// The day's bill will not list this trade's payment.
    pub fn omit_from_bill(&self, out_trade_no: &str) {
        self.lock().bill.omitted.insert(out_trade_no.to_string());
    }

    /// A payment the service never asked for appears in the bill of `at`'s day.
    pub fn plant_payment(
        &self,
        sub_mchid: &str,
        out_trade_no: &str,
        amount_fen: i64,
        at: DateTime<Utc>,
    ) {
        let row = BillRow {
            at: at.with_timezone(&SHANGHAI).naive_local(),
            sub_mchid: sub_mchid.to_string(),
            transaction_id: format!("4200{}", &uuid::Uuid::new_v4().simple().to_string()[..24]),
            out_trade_no: out_trade_no.to_string(),
            refund: None,
            amount_fen,
        };
        self.lock().bill.planted.push((row, "o-unknown".into()));
    }

    /// A second refund of a paid trade, made outside the service (e.g. in the merchant
    /// platform), appears in the bill of `at`'s day.
    pub fn plant_refund(
        &self,
        out_trade_no: &str,
        amount_fen: i64,
        at: DateTime<Utc>,
    ) -> Result<(), &'static str> {
        let mut state = self.lock();
        let trade = state
            .trades
            .get(out_trade_no)
            .cloned()
            .ok_or("no such trade")?;
        let row = BillRow {
            at: at.with_timezone(&SHANGHAI).naive_local(),
            sub_mchid: trade.sub_mchid.clone(),
            transaction_id: trade.transaction_id.clone().unwrap_or_default(),
            out_trade_no: out_trade_no.to_string(),
            refund: Some(BillRefund {
                refund_id: format!("5030{}", &uuid::Uuid::new_v4().simple().to_string()[..24]),
                out_refund_no: format!("MP{}", &uuid::Uuid::new_v4().simple().to_string()[..20]),
                amount_fen,
            }),
            amount_fen: trade.amount_fen,
        };
        state.bill.planted.push((row, trade.openid));
        Ok(())
    }

    /// The `ALL` bill of a sub-merchant's day (Shanghai), as WeChat Pay would write it.
    pub fn bill(&self, sub_mchid: &str, date: chrono::NaiveDate) -> String {
        let state = self.lock();
        let on_day = |at: DateTime<Utc>| at.with_timezone(&SHANGHAI).date_naive() == date;
        let mut rows: Vec<(BillRow, String)> = Vec::new();
        for trade in state.trades.values() {
            if trade.sub_mchid != sub_mchid || state.bill.omitted.contains(&trade.out_trade_no) {
                continue;
            }
            if let Some(paid) = trade.success_time.filter(|t| on_day(*t)) {
                rows.push((
                    BillRow {
                        at: paid.with_timezone(&SHANGHAI).naive_local(),
                        sub_mchid: trade.sub_mchid.clone(),
                        transaction_id: trade.transaction_id.clone().unwrap_or_default(),
                        out_trade_no: trade.out_trade_no.clone(),
                        refund: None,
                        amount_fen: state
                            .bill
                            .misstated
                            .get(&trade.out_trade_no)
                            .copied()
                            .unwrap_or(trade.amount_fen),
                    },
                    trade.openid.clone(),
                ));
            }
        }
        for (out_refund_no, given) in &state.refunds {
            let Some(trade) = state.trades.get(&given.out_trade_no) else {
                continue;
            };
            if trade.sub_mchid != sub_mchid || !on_day(given.success_time) {
                continue;
            }
            rows.push((
                BillRow {
                    at: given.success_time.with_timezone(&SHANGHAI).naive_local(),
                    sub_mchid: trade.sub_mchid.clone(),
                    transaction_id: trade.transaction_id.clone().unwrap_or_default(),
                    out_trade_no: trade.out_trade_no.clone(),
                    refund: Some(BillRefund {
                        refund_id: given.refund_id.clone(),
                        out_refund_no: out_refund_no.clone(),
                        amount_fen: given.amount_fen,
                    }),
                    amount_fen: trade.amount_fen,
                },
                trade.openid.clone(),
            ));
        }
        rows.extend(
            state
                .bill
                .planted
                .iter()
                .filter(|(row, _)| row.sub_mchid == sub_mchid && row.at.date() == date)
                .cloned(),
        );
        rows.sort_by(|a, b| {
            a.0.at
                .cmp(&b.0.at)
                .then(a.0.out_trade_no.cmp(&b.0.out_trade_no))
        });
        bill::write(
            &bill::WriteContext {
                sp_appid: &self.inner.sp_appid,
                sp_mchid: &self.inner.sp_mchid,
            },
            &rows,
        )
    }

    /// How many API calls reached the fake.
    pub fn calls(&self) -> u64 {
        self.lock().calls
    }

    /// Sends notification `index` (again) and returns the service's status.
    pub async fn deliver(&self, index: usize) -> Option<u16> {
        let notice = self.lock().sent.get(index).cloned()?;
        let status = self.post_notice(&notice).await;
        if let Some(sent) = self.lock().sent.get_mut(index) {
            sent.answered = status;
        }
        status
    }

    /// A notification of `event_type` with `resource` (plaintext JSON), signed by the platform
    /// key at `timestamp` (seconds), as WeChat Pay would send it to `url`.
    pub fn notice(
        &self,
        url: &str,
        event_type: &str,
        original_type: &str,
        resource: &Value,
        timestamp: i64,
    ) -> SentNotice {
        let nonce = crypto::nonce(12);
        let ciphertext =
            self.inner
                .apiv3
                .encrypt(&nonce, original_type, resource.to_string().as_bytes());
        let body = json!({
            "id": uuid::Uuid::new_v4().to_string(),
            "create_time": self.shanghai(self.inner.clock.now()),
            "resource_type": "encrypt-resource",
            "event_type": event_type,
            "summary": if event_type.starts_with("REFUND") { "退款成功" } else { "支付成功" },
            "resource": {
                "original_type": original_type,
                "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": ciphertext,
                "associated_data": original_type,
                "nonce": nonce,
            }
        })
        .to_string();
        let header_nonce = crypto::nonce(32);
        let signature = self.sign(timestamp, &header_nonce, body.as_bytes());
        SentNotice {
            url: url.to_string(),
            headers: vec![
                (
                    "Wechatpay-Serial".into(),
                    self.inner.platform.serial.clone(),
                ),
                ("Wechatpay-Signature".into(), signature),
                ("Wechatpay-Timestamp".into(), timestamp.to_string()),
                ("Wechatpay-Nonce".into(), header_nonce),
                ("Content-Type".into(), "application/json".into()),
            ],
            body,
            answered: None,
        }
    }

    /// Pays a trade as its payer would in WeChat; the notification follows.
    pub async fn pay(&self, prepay_id: &str) -> Result<(), &'static str> {
        let now = self.inner.clock.now();
        let notice = {
            let mut state = self.lock();
            let out_trade_no = state
                .prepay_ids
                .get(prepay_id)
                .cloned()
                .ok_or("no such prepay id")?;
            let trade = state.trades.get_mut(&out_trade_no).ok_or("no such trade")?;
            match trade.state {
                "NOTPAY" if now < trade.expires_at => {}
                "NOTPAY" => return Err("the trade has expired"),
                "CLOSED" => return Err("the trade is closed"),
                _ => return Err("the trade is paid"),
            }
            trade.state = "SUCCESS";
            trade.transaction_id = Some(format!(
                "4200{}",
                &uuid::Uuid::new_v4().simple().to_string()[..24]
            ));
            trade.success_time = Some(now);
            let trade = trade.clone();
            let resource = self.transaction_json(&trade);
            self.notice(
                &trade.notify_url,
                "TRANSACTION.SUCCESS",
                "transaction",
                &resource,
                now.timestamp(),
            )
        };
        self.send(notice).await;
        Ok(())
    }

    async fn send(&self, notice: SentNotice) {
        let index = {
            let mut state = self.lock();
            state.sent.push(notice.clone());
            if state.hold_notices {
                return;
            }
            state.sent.len() - 1
        };
        self.deliver(index).await;
    }

    async fn post_notice(&self, notice: &SentNotice) -> Option<u16> {
        let mut request = self.inner.http.post(&notice.url).body(notice.body.clone());
        for (name, value) in &notice.headers {
            request = request.header(name, value);
        }
        match request.send().await {
            Ok(response) => Some(response.status().as_u16()),
            Err(err) => {
                tracing::warn!(%err, "fake WeChat Pay could not deliver a notification");
                None
            }
        }
    }

    fn sign(&self, timestamp: i64, nonce: &str, body: &[u8]) -> String {
        let message = crypto::response_message(&timestamp.to_string(), nonce, body);
        self.inner
            .platform
            .sign(std::str::from_utf8(&message).expect("JSON bodies are UTF-8"))
    }

    fn shanghai(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&SHANGHAI)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
    }

    fn transaction_json(&self, trade: &Trade) -> Value {
        json!({
            "sp_appid": self.inner.sp_appid,
            "sp_mchid": self.inner.sp_mchid,
            "sub_mchid": trade.sub_mchid,
            "out_trade_no": trade.out_trade_no,
            "transaction_id": trade.transaction_id,
            "trade_type": "JSAPI",
            "trade_state": trade.state,
            "trade_state_desc": match trade.state {
                "SUCCESS" => "支付成功",
                "CLOSED" => "已关闭",
                "REFUND" => "转入退款",
                _ => "未支付",
            },
            "success_time": trade.success_time.map(|t| self.shanghai(t)),
            "payer": { "sp_openid": trade.openid },
            "amount": {
                "total": trade.amount_fen,
                "payer_total": trade.transaction_id.as_ref().map(|_| trade.amount_fen),
                "currency": "CNY",
            },
        })
    }

    /// A signed answer.
    fn answer(&self, status: StatusCode, body: Option<Value>) -> Response {
        let text = body.map(|b| b.to_string()).unwrap_or_default();
        let timestamp = self.inner.clock.now().timestamp();
        let nonce = crypto::nonce(32);
        let signature = self.sign(timestamp, &nonce, text.as_bytes());
        let mut response = Response::builder()
            .status(status)
            .header("Wechatpay-Serial", self.inner.platform.serial.clone())
            .header("Wechatpay-Signature", signature)
            .header("Wechatpay-Timestamp", timestamp.to_string())
            .header("Wechatpay-Nonce", nonce);
        if !text.is_empty() {
            response = response.content_type("application/json");
        }
        response.body(text)
    }

    fn error(&self, status: StatusCode, code: &str, message: &str) -> Response {
        self.answer(status, Some(json!({ "code": code, "message": message })))
    }

    /// Checks a request's `Authorization` the way WeChat Pay does: the merchant, the key's serial,
    /// the signature over `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n` and a fresh timestamp.
    fn check_signature(&self, req: &Request, body: &str) -> Result<(), Box<Response>> {
        self.lock().calls += 1;
        self.signature_problem(req, body).map_err(|message| {
            Box::new(self.error(StatusCode::UNAUTHORIZED, "SIGN_ERROR", message))
        })
    }

    fn signature_problem(&self, req: &Request, body: &str) -> Result<(), &'static str> {
        let header = req
            .headers()
            .get("Authorization")
            .and_then(|v| v.to_str().ok())
            .ok_or("缺少 Authorization")?;
        let parts = crypto::parse_authorization(header).ok_or("Authorization 格式错误")?;
        if parts.mchid != self.inner.sp_mchid {
            return Err("商户号不匹配");
        }
        if parts.serial != self.inner.merchant.serial {
            return Err("证书序列号不匹配");
        }
        let timestamp: i64 = parts.timestamp.parse().map_err(|_| "时间戳错误")?;
        if (self.inner.clock.now().timestamp() - timestamp).abs() > 300 {
            return Err("请求时间戳已过期");
        }
        let path_and_query = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or_default();
        let message = crypto::request_message(
            req.method().as_str(),
            path_and_query,
            timestamp,
            &parts.nonce,
            body,
        );
        self.inner
            .merchant
            .verify(message.as_bytes(), &parts.signature)
            .map_err(|_| "签名错误")
    }

    pub fn endpoint(&self) -> impl poem::Endpoint + 'static {
        Route::new()
            .at("/v3/pay/partner/transactions/jsapi", post(jsapi))
            .at("/v3/pay/partner/transactions/out-trade-no/:no", get(query))
            .at(
                "/v3/pay/partner/transactions/out-trade-no/:no/close",
                post(close),
            )
            .at("/v3/refund/domestic/refunds", post(refund))
            .at("/v3/bill/tradebill", get(tradebill))
            .at("/v3/billdownload/file", get(download_bill))
            .at("/fake/pay/confirm", get(confirm_page).post(confirm))
            .data(self.clone())
    }

    /// Serves on `addr` (port 0 picks a free port) in the background; returns the bound address.
    pub async fn spawn(&self, addr: &str) -> std::io::Result<SocketAddr> {
        let acceptor = TcpListener::bind(addr).into_acceptor().await?;
        let local = acceptor
            .local_addr()
            .first()
            .and_then(|a| a.as_socket_addr().copied())
            .ok_or_else(|| std::io::Error::other("fake WeChat Pay has no local address"))?;
        let endpoint = self.endpoint();
        tokio::spawn(async move {
            if let Err(err) = Server::new_with_acceptor(acceptor).run(endpoint).await {
                tracing::error!(%err, "fake WeChat Pay server stopped");
            }
        });
        Ok(local)
    }

    /// The platform's public key, as the service configures it (`WECHATPAY_PUBLIC_KEY_FILE`).
    pub fn platform_public_key(&self) -> PublicKey {
        self.inner.platform.verifier()
    }
}

#[derive(Deserialize)]
struct JsapiBody {
    sp_appid: String,
    sp_mchid: String,
    sub_mchid: String,
    description: String,
    out_trade_no: String,
    time_expire: Option<DateTime<chrono::FixedOffset>>,
    notify_url: String,
    amount: AmountBody,
    payer: PayerBody,
}

#[derive(Deserialize)]
struct AmountBody {
    total: i64,
}

#[derive(Deserialize)]
struct PayerBody {
    sp_openid: String,
}

#[handler]
async fn jsapi(req: &Request, body: String, fake: Data<&FakeWeChatPay>) -> Response {
    if let Err(refused) = fake.check_signature(req, &body) {
        return *refused;
    }
    let bad = |message: &str| fake.error(StatusCode::BAD_REQUEST, "PARAM_ERROR", message);
    let Ok(order) = serde_json::from_str::<JsapiBody>(&body) else {
        return bad("请求体格式错误");
    };
    if order.sp_appid != fake.inner.sp_appid || order.sp_mchid != fake.inner.sp_mchid {
        return bad("appid 或 mchid 不匹配");
    }
    if order.amount.total <= 0 {
        return bad("金额必须大于 0");
    }
    if order.out_trade_no.is_empty()
        || order.out_trade_no.len() > 32
        || order.description.is_empty()
    {
        return bad("out_trade_no 或 description 不合法");
    }
    let now = fake.inner.clock.now();
    let mut state = fake.lock();
    if let Some(trade) = state.trades.get(&order.out_trade_no) {
        // The same order again gets the same prepay id; anything else about it is refused.
        if trade.state == "SUCCESS" {
            return fake.error(StatusCode::BAD_REQUEST, "ORDERPAID", "该订单已支付");
        }
        if trade.state == "CLOSED" {
            return fake.error(StatusCode::BAD_REQUEST, "ORDERCLOSED", "该订单已关闭");
        }
        if trade.amount_fen != order.amount.total || trade.openid != order.payer.sp_openid {
            return fake.error(
                StatusCode::BAD_REQUEST,
                "INVALID_REQUEST",
                "参数与首次请求时不一致",
            );
        }
        let prepay_id = state
            .prepay_ids
            .iter()
            .find(|(_, no)| **no == order.out_trade_no)
            .map(|(id, _)| id.clone())
            .unwrap_or_default();
        drop(state);
        return fake.answer(StatusCode::OK, Some(json!({ "prepay_id": prepay_id })));
    }
    let prepay_id = format!("wx{}", uuid::Uuid::new_v4().simple());
    state.trades.insert(
        order.out_trade_no.clone(),
        Trade {
            sub_mchid: order.sub_mchid,
            out_trade_no: order.out_trade_no.clone(),
            amount_fen: order.amount.total,
            openid: order.payer.sp_openid,
            notify_url: order.notify_url,
            expires_at: order
                .time_expire
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or(now + chrono::Duration::hours(2)),
            state: "NOTPAY",
            transaction_id: None,
            success_time: None,
            refunded_fen: 0,
        },
    );
    state
        .prepay_ids
        .insert(prepay_id.clone(), order.out_trade_no);
    drop(state);
    fake.answer(StatusCode::OK, Some(json!({ "prepay_id": prepay_id })))
}

#[handler]
async fn query(req: &Request, Path(no): Path<String>, fake: Data<&FakeWeChatPay>) -> Response {
    if let Err(refused) = fake.check_signature(req, "") {
        return *refused;
    }
    let trade = fake.lock().trades.get(&no).cloned();
    match trade {
        Some(trade) => fake.answer(StatusCode::OK, Some(fake.transaction_json(&trade))),
        None => fake.error(StatusCode::NOT_FOUND, "ORDER_NOT_EXIST", "订单不存在"),
    }
}

#[handler]
async fn close(
    req: &Request,
    Path(no): Path<String>,
    body: String,
    fake: Data<&FakeWeChatPay>,
) -> Response {
    if let Err(refused) = fake.check_signature(req, &body) {
        return *refused;
    }
    let mut state = fake.lock();
    let Some(trade) = state.trades.get_mut(&no) else {
        drop(state);
        return fake.error(StatusCode::NOT_FOUND, "ORDER_NOT_EXIST", "订单不存在");
    };
    match trade.state {
        "NOTPAY" | "CLOSED" => {
            trade.state = "CLOSED";
            drop(state);
            fake.answer(StatusCode::NO_CONTENT, None)
        }
        _ => {
            drop(state);
            fake.error(StatusCode::BAD_REQUEST, "ORDERPAID", "订单已支付")
        }
    }
}

#[derive(Deserialize)]
struct RefundBody {
    sub_mchid: String,
    out_trade_no: String,
    out_refund_no: String,
    reason: Option<String>,
    notify_url: String,
    amount: RefundAmount,
}

#[derive(Deserialize)]
struct RefundAmount {
    refund: i64,
    total: i64,
}

#[handler]
async fn refund(req: &Request, body: String, fake: Data<&FakeWeChatPay>) -> Response {
    if let Err(refused) = fake.check_signature(req, &body) {
        return *refused;
    }
    let bad = |code: &str, message: &str| fake.error(StatusCode::BAD_REQUEST, code, message);
    let Ok(asked) = serde_json::from_str::<RefundBody>(&body) else {
        return bad("PARAM_ERROR", "请求体格式错误");
    };
    if asked
        .reason
        .as_deref()
        .is_some_and(|r| r.chars().count() > 80)
    {
        return bad("PARAM_ERROR", "退款原因过长");
    }
    let now = fake.inner.clock.now();
    let (answer, notice) = {
        let mut state = fake.lock();
        if let Some(known) = state.refunds.get(&asked.out_refund_no) {
            // The same refund number again: the same refund, never a second one.
            let answer = json!({
                "refund_id": known.refund_id,
                "out_refund_no": asked.out_refund_no,
                "out_trade_no": known.out_trade_no,
                "status": "PROCESSING",
                "amount": { "refund": known.amount_fen },
            });
            (answer, None)
        } else {
            let Some(trade) = state.trades.get_mut(&asked.out_trade_no) else {
                drop(state);
                return fake.error(StatusCode::NOT_FOUND, "RESOURCE_NOT_EXISTS", "订单不存在");
            };
            if trade.sub_mchid != asked.sub_mchid || trade.amount_fen != asked.amount.total {
                drop(state);
                return bad("PARAM_ERROR", "订单金额或子商户号不一致");
            }
            if !matches!(trade.state, "SUCCESS" | "REFUND") {
                drop(state);
                return bad("INVALID_REQUEST", "订单未支付，不能退款");
            }
            if asked.amount.refund <= 0
                || trade.refunded_fen + asked.amount.refund > trade.amount_fen
            {
                drop(state);
                return bad("NOT_ENOUGH", "退款金额超过可退金额");
            }
            trade.refunded_fen += asked.amount.refund;
            trade.state = "REFUND";
            let refund_id = format!("5030{}", &uuid::Uuid::new_v4().simple().to_string()[..24]);
            let refund = Refund {
                out_trade_no: asked.out_trade_no.clone(),
                refund_id: refund_id.clone(),
                amount_fen: asked.amount.refund,
                notify_url: asked.notify_url.clone(),
                success_time: now,
            };
            let resource = json!({
                "sp_mchid": fake.inner.sp_mchid,
                "sub_mchid": trade.sub_mchid,
                "out_trade_no": asked.out_trade_no,
                "transaction_id": trade.transaction_id,
                "out_refund_no": asked.out_refund_no,
                "refund_id": refund_id,
                "refund_status": "SUCCESS",
                "success_time": fake.shanghai(now),
                "amount": {
                    "total": trade.amount_fen,
                    "refund": asked.amount.refund,
                    "payer_total": trade.amount_fen,
                    "payer_refund": asked.amount.refund,
                },
            });
            state
                .refunds
                .insert(asked.out_refund_no.clone(), refund.clone());
            let answer = json!({
                "refund_id": refund_id,
                "out_refund_no": asked.out_refund_no,
                "out_trade_no": asked.out_trade_no,
                "status": "PROCESSING",
                "amount": { "refund": asked.amount.refund },
            });
            let notice = fake.notice(
                &refund.notify_url,
                "REFUND.SUCCESS",
                "refund",
                &resource,
                now.timestamp(),
            );
            (answer, Some(notice))
        }
    };
    if let Some(notice) = notice {
        // WeChat Pay answers first and notifies when the money is back.
        let fake = fake.clone();
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            fake.send(notice).await;
        });
    }
    fake.answer(StatusCode::OK, Some(answer))
}

#[derive(Deserialize)]
struct TradeBillQuery {
    bill_date: String,
    sub_mchid: Option<String>,
    bill_type: Option<String>,
}

/// `GET /v3/bill/tradebill`: where to download a sub-merchant's day, and the file's SHA1. A day
/// that has not ended (in Shanghai) has no bill yet; WeChat Pay's is ready by 10:00 the next day.
#[handler]
async fn tradebill(
    req: &Request,
    Query(q): Query<TradeBillQuery>,
    fake: Data<&FakeWeChatPay>,
) -> Response {
    if let Err(refused) = fake.check_signature(req, "") {
        return *refused;
    }
    let bad = |code: &str, message: &str| fake.error(StatusCode::BAD_REQUEST, code, message);
    let Ok(date) = chrono::NaiveDate::parse_from_str(&q.bill_date, "%Y-%m-%d") else {
        return bad("PARAM_ERROR", "bill_date 格式错误");
    };
    let Some(sub_mchid) = q.sub_mchid.filter(|s| !s.is_empty()) else {
        return bad("PARAM_ERROR", "服务商须指定 sub_mchid");
    };
    if q.bill_type
        .as_deref()
        .is_some_and(|t| t != "ALL" && t != "SUCCESS" && t != "REFUND")
    {
        return bad("PARAM_ERROR", "bill_type 不合法");
    }
    let now = fake.inner.clock.now().with_timezone(&SHANGHAI);
    if date >= now.date_naive() {
        return bad("INVALID_REQUEST", "账单日期须早于今天");
    }
    if date + chrono::Days::new(1) == now.date_naive()
        && now.time() < chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap_or_default()
    {
        return bad("STATEMENT_CREATING", "账单生成中，请于 10 点后再下载");
    }
    let text = fake.bill(&sub_mchid, date);
    let hash = {
        use sha1::Digest;
        hex::encode(sha1::Sha1::digest(text.as_bytes()))
    };
    let token = uuid::Uuid::new_v4().simple().to_string();
    fake.lock().bill_files.insert(token.clone(), text);
    let host = req
        .headers()
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_string();
    fake.answer(
        StatusCode::OK,
        Some(json!({
            "hash_type": "SHA1",
            "hash_value": hash,
            "download_url": format!("http://{host}/v3/billdownload/file?token={token}"),
        })),
    )
}

#[derive(Deserialize)]
struct DownloadQuery {
    token: String,
}

/// `GET /v3/billdownload/file?token=…`: the bill itself, unsigned (its SHA1 was in the answer
/// that named it), as WeChat Pay serves it.
#[handler]
async fn download_bill(
    req: &Request,
    Query(q): Query<DownloadQuery>,
    fake: Data<&FakeWeChatPay>,
) -> Response {
    if let Err(refused) = fake.check_signature(req, "") {
        return *refused;
    }
    match fake.lock().bill_files.get(&q.token).cloned() {
        Some(text) => Response::builder()
            .content_type("text/plain; charset=utf-8")
            .body(text),
        None => (StatusCode::NOT_FOUND, "账单链接无效").into_response(),
    }
}

#[derive(Deserialize)]
struct ConfirmQuery {
    prepay_id: String,
    redirect: Option<String>,
}

/// The H5 page's stand-in for WeChat's cashier: one big button that pays.
#[handler]
fn confirm_page(Query(q): Query<ConfirmQuery>, fake: Data<&FakeWeChatPay>) -> Response {
    let state = fake.lock();
    let Some(trade) = state
        .prepay_ids
        .get(&q.prepay_id)
        .and_then(|no| state.trades.get(no))
    else {
        return (StatusCode::NOT_FOUND, Html("<p>支付单不存在</p>")).into_response();
    };
    let amount = format!("{}.{:02}", trade.amount_fen / 100, trade.amount_fen % 100);
    // Both land inside a quoted JavaScript string in an HTML attribute.
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('"', "&quot;")
            .replace('\'', "%27")
            .replace('\\', "%5C")
    };
    let redirect = escape(q.redirect.as_deref().unwrap_or(""));
    let prepay_id = escape(&q.prepay_id);
    Html(format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>微信支付（模拟）</title>\
<style>body{{font:22px/1.6 sans-serif;margin:24px;text-align:center}}button{{font-size:26px;padding:14px 48px;background:#07c160;color:#fff;border:0;border-radius:8px}}</style></head>\
<body><p>微信支付（模拟收银台）</p><p style=\"font-size:40px\">￥{amount}</p>\
<button id=\"pay\" onclick=\"fetch('/fake/pay/confirm',{{method:'POST',headers:{{'Content-Type':'application/json'}},body:JSON.stringify({{prepay_id:'{prepay_id}'}})}}).then(r=>{{document.getElementById('result').textContent=r.ok?'支付成功':'支付失败';if(r.ok&&'{redirect}'){{location.href='{redirect}'}}}})\">确认支付</button>\
<p id=\"result\"></p></body></html>"
    ))
    .into_response()
}

#[derive(Deserialize)]
struct ConfirmBody {
    prepay_id: String,
}

#[handler]
async fn confirm(Json(body): Json<ConfirmBody>, fake: Data<&FakeWeChatPay>) -> Response {
    match fake.pay(&body.prepay_id).await {
        Ok(()) => Json(json!({ "paid": true })).into_response(),
        Err(problem) => (StatusCode::CONFLICT, problem).into_response(),
    }
}

/// The key pairs of demo mode and the tests: the merchant's (the service signs with it, the fake
/// checks) and the platform's (the fake signs, the service checks). Made once per process: a
/// 2048-bit key takes a noticeable moment, and every test starts an app.
pub struct DemoKeys {
    pub merchant: SigningIdentity,
    pub platform: SigningIdentity,
}

pub fn demo_keys(merchant_serial: &str, platform_key_id: &str) -> &'static DemoKeys {
    static KEYS: std::sync::OnceLock<DemoKeys> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| DemoKeys {
        merchant: SigningIdentity::generate(merchant_serial),
        platform: SigningIdentity::generate(platform_key_id),
    })
}
