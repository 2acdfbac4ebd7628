//! Settlement storage. The heavy part, summing a month of served orders, is one `INSERT …
//! SELECT … GROUP BY` in the database: the orders never come into memory, only the few hundred
//! lines (meal point × funding district) do. Late-served orders are exceptions and few, so they
//! are read as rows.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    settlement_adjustment as adjustment, settlement_event as event, settlement_line as line,
    settlement_review as review, settlement_run as run,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QueryResult,
    sea_query::{Asterisk, Expr, ExprTrait, Func, JoinType, Order, Query, SelectStatement},
};
use vocabulary::{OrderState, PaymentState, RefundState, RunAction};

use super::{
    error::SettlementError,
    rules::{self, AdjustmentKind, Decision, Figures, Flow, Reconciliation, RunState, Step},
};
use crate::{auth::Caller, db::sum_bigint};

type StoreResult<T> = Result<T, SettlementError>;

/// The money columns every figure query sums.
const MONEY_COLUMNS: [&str; 6] = [
    "gross_fen",
    "elder_share_fen",
    "subsidy_fen",
    "subsidy_city_fen",
    "subsidy_district_fen",
    "subsidy_street_fen",
];

/// The sums every figure query selects (`meals` counts the rows), each under its column's name,
/// as BIGINT on both backends.
fn select_sums(query: &mut SelectStatement) -> &mut SelectStatement {
    query.expr_as(Func::count(Expr::col(Asterisk)), "meals");
    for column in MONEY_COLUMNS {
        query.expr_as(sum_bigint(Expr::col(column)), column);
    }
    query
}

fn figures_from(row: &QueryResult, meals_column: &str) -> StoreResult<Figures> {
    Ok(Figures {
        meals: row.try_get("", meals_column)?,
        gross_fen: row.try_get("", "gross_fen")?,
        elder_share_fen: row.try_get("", "elder_share_fen")?,
        subsidy_fen: row.try_get("", "subsidy_fen")?,
        subsidy_city_fen: row.try_get("", "subsidy_city_fen")?,
        subsidy_district_fen: row.try_get("", "subsidy_district_fen")?,
        subsidy_street_fen: row.try_get("", "subsidy_street_fen")?,
    })
}

async fn one_figures(
    db: &impl ConnectionTrait,
    query: &SelectStatement,
    meals_column: &str,
) -> StoreResult<Figures> {
    match db.query_one(query).await? {
        Some(row) => figures_from(&row, meals_column),
        None => Ok(Figures::default()),
    }
}

/// Served orders of `meal_order` dated `from` to `to`.
fn served_between(from: NaiveDate, to: NaiveDate) -> Expr {
    Expr::col("state")
        .eq(OrderState::Served.as_str())
        .and(Expr::col("date").gte(from))
        .and(Expr::col("date").lte(to))
}

/// The period's served orders, summed afresh in the database.
pub async fn served_totals(
    db: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Figures> {
    let query = select_sums(&mut Query::select())
        .from("meal_order")
        .and_where(served_between(from, to))
        .to_owned();
    one_figures(db, &query, "meals").await
}

/// The run's lines, summed.
pub async fn line_totals(db: &impl ConnectionTrait, run_id: i64) -> StoreResult<Figures> {
    let query = select_sums(Query::select().expr_as(sum_bigint(Expr::col("meals")), "meal_sum"))
        .from("settlement_line")
        .and_where(Expr::col("run_id").eq(run_id))
        .to_owned();
    one_figures(db, &query, "meal_sum").await
}

/// The run's adjustments of one kind, summed.
pub async fn adjustment_totals(
    db: &impl ConnectionTrait,
    run_id: i64,
    kind: AdjustmentKind,
) -> StoreResult<Figures> {
    let query = select_sums(Query::select().expr_as(sum_bigint(Expr::col("meals")), "meal_sum"))
        .from("settlement_adjustment")
        .and_where(Expr::col("run_id").eq(run_id))
        .and_where(Expr::col("kind").eq(kind.as_str()))
        .to_owned();
    one_figures(db, &query, "meal_sum").await
}

/// How the elders' share of a line was paid: online through WeChat Pay, at the counter.
const PAID_COLUMNS: [&str; 2] = ["paid_online_fen", "paid_counter_fen"];

/// The sum of one of [`PAID_COLUMNS`] over the grouped served orders. Online is what WeChat Pay
/// kept (the share less refunds it confirmed); at the counter is the share of orders the operator
/// recorded paid there. The rest of the share was not collected through the service.
fn paid_sum(column: &str) -> Expr {
    let online = [
        PaymentState::PaidOnline,
        PaymentState::RefundPending,
        PaymentState::PartiallyRefunded,
        PaymentState::Refunded,
    ]
    .map(|s| format!("'{}'", s.as_str()))
    .join(", ");
    let sql = match column {
        "paid_online_fen" => format!(
            "SUM(CASE WHEN payment_state IN ({online}) THEN elder_share_fen - COALESCE((\
             SELECT SUM(r.amount_fen) FROM payment_refund r WHERE r.order_id = meal_order.id \
             AND r.state = '{succeeded}'), 0) ELSE 0 END)",
            succeeded = RefundState::Succeeded.as_str()
        ),
        _ => format!(
            "SUM(CASE WHEN payment_state = '{counter}' THEN elder_share_fen ELSE 0 END)",
            counter = PaymentState::PaidAtCounter.as_str()
        ),
    };
    Expr::cust(sql)
}

/// Works the run's lines out from the orders: one line per meal point and funding district,
/// summed in the database.
pub async fn compute_lines(db: &impl ConnectionTrait, run: &run::Model) -> StoreResult<()> {
    line::Entity::delete_many()
        .filter(line::Column::RunId.eq(run.id))
        .exec(db)
        .await?;
    let districts = ["service_district_code", "funding_district_code"];
    let mut sums = Query::select();
    sums.expr(Expr::val(run.id))
        .column("meal_point_id")
        .expr(Expr::val(""))
        .columns(districts)
        .expr(Func::count(Expr::col(Asterisk)));
    for column in MONEY_COLUMNS {
        sums.expr(Func::sum(Expr::col(column)));
    }
    for column in PAID_COLUMNS {
        sums.expr(paid_sum(column));
    }
    sums.from("meal_order")
        .and_where(served_between(run.period_from, run.period_to))
        .group_by_col("meal_point_id")
        .group_by_columns(districts);
    let insert = Query::insert()
        .into_table("settlement_line")
        .columns(
            ["run_id", "meal_point_id", "meal_point_name"]
                .into_iter()
                .chain(districts)
                .chain(["meals"])
                .chain(MONEY_COLUMNS)
                .chain(PAID_COLUMNS),
        )
        .select_from(sums)
        .map_err(|e| SettlementError::Internal(e.to_string()))?
        .to_owned();
    db.execute(&insert).await?;
    // Names after the grouping, over the few lines rather than joined into every order.
    let name = Query::select()
        .column("name")
        .from("meal_point")
        .and_where(Expr::col(("meal_point", "id")).equals(("settlement_line", "meal_point_id")))
        .to_owned();
    let update = Query::update()
        .table("settlement_line")
        .value(
            "meal_point_name",
            Func::coalesce([Expr::SubQuery(None, Box::new(name.into())), Expr::val("")]),
        )
        .and_where(Expr::col("run_id").eq(run.id))
        .to_owned();
    db.execute(&update).await?;
    Ok(())
}

/// An order the settlement reads: its frozen amounts and where it belongs.
#[derive(Clone, Debug)]
pub struct SettledOrder {
    pub id: String,
    pub date: NaiveDate,
    pub meal_point_id: i64,
    pub meal_point_name: String,
    pub service_district_code: String,
    pub funding_district_code: String,
    pub figures: Figures,
}

/// The served orders with their meal point's name, each as [`settled_order`] reads it.
fn settled_orders() -> SelectStatement {
    let o = |column: &'static str| Expr::col(("o", column));
    let mut query = Query::select();
    query
        .expr_as(o("id"), "order_id")
        .expr_as(o("date"), "order_date")
        .column(("o", "meal_point_id"))
        .expr_as(
            Func::coalesce([Expr::col(("p", "name")), Expr::val("")]),
            "meal_point_name",
        )
        .columns([
            ("o", "service_district_code"),
            ("o", "funding_district_code"),
        ])
        .expr_as(Expr::cust("1"), "meals")
        .columns(MONEY_COLUMNS.map(|column| ("o", column)))
        .from_as("meal_order", "o")
        .join_as(
            JoinType::LeftJoin,
            "meal_point",
            "p",
            Expr::col(("p", "id")).equals(("o", "meal_point_id")),
        )
        .and_where(o("state").eq(OrderState::Served.as_str()));
    query
}

fn settled_order(row: &QueryResult) -> StoreResult<SettledOrder> {
    let mut figures = figures_from(row, "gross_fen")?;
    figures.meals = 1;
    Ok(SettledOrder {
        id: row.try_get("", "order_id")?,
        date: row.try_get("", "order_date")?,
        meal_point_id: row.try_get("", "meal_point_id")?,
        meal_point_name: row.try_get("", "meal_point_name")?,
        service_district_code: row.try_get("", "service_district_code")?,
        funding_district_code: row.try_get("", "funding_district_code")?,
        figures,
    })
}

/// Orders the run must carry as late-served adjustments: served, dated inside an earlier locked
/// run's period, served after that run's lines were worked out (so not in them), and not carried
/// by another run already. One query per earlier locked run, each over that run's dates only
/// (the `(state, date)` index), so the month being settled is never scanned for it.
pub async fn late_served_due(
    db: &impl ConnectionTrait,
    run: &run::Model,
) -> StoreResult<Vec<SettledOrder>> {
    let earlier = run::Entity::find()
        .filter(run::Column::State.eq(RunState::Locked.as_str()))
        .filter(run::Column::PeriodTo.lt(run.period_from))
        .order_by_asc(run::Column::PeriodFrom)
        .all(db)
        .await?;
    let mut due = Vec::new();
    for locked in earlier {
        let carried_elsewhere = Query::select()
            .expr(Expr::cust("1"))
            .from_as("settlement_adjustment", "a")
            .and_where(Expr::col(("a", "order_id")).equals(("o", "id")))
            .and_where(Expr::col(("a", "kind")).eq(AdjustmentKind::LateServed.as_str()))
            .and_where(Expr::col(("a", "run_id")).ne(run.id))
            .to_owned();
        let query = settled_orders()
            .and_where(Expr::col(("o", "date")).gte(locked.period_from))
            .and_where(Expr::col(("o", "date")).lte(locked.period_to))
            .and_where(Expr::col(("o", "served_at")).gt(locked.computed_at))
            .and_where(Expr::not_exists(carried_elsewhere))
            .order_by(("o", "date"), Order::Asc)
            .order_by(("o", "id"), Order::Asc)
            .to_owned();
        let rows = db.query_all(&query).await?;
        for row in &rows {
            due.push(settled_order(row)?);
        }
    }
    Ok(due)
}

fn figures_total(orders: &[SettledOrder]) -> Figures {
    orders.iter().map(|o| o.figures).sum()
}

/// Replaces the run's late-served adjustments with those the orders call for now.
pub async fn compute_late_served(
    db: &impl ConnectionTrait,
    run: &run::Model,
    author: &Caller,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    adjustment::Entity::delete_many()
        .filter(adjustment::Column::RunId.eq(run.id))
        .filter(adjustment::Column::Kind.eq(AdjustmentKind::LateServed.as_str()))
        .exec(db)
        .await?;
    for order in late_served_due(db, run).await? {
        insert_adjustment(
            db,
            run.id,
            &order,
            AdjustmentKind::LateServed,
            "核销晚于该日所属期结算计算，本期补记",
            author.account_id,
            now,
        )
        .await?;
    }
    Ok(())
}

pub async fn insert_adjustment(
    db: &impl ConnectionTrait,
    run_id: i64,
    order: &SettledOrder,
    kind: AdjustmentKind,
    reason: &str,
    author_account_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<adjustment::Model> {
    let f = if kind.sign() < 0 {
        order.figures.negated()
    } else {
        order.figures
    };
    Ok(adjustment::ActiveModel {
        run_id: Set(run_id),
        order_id: Set(order.id.clone()),
        kind: Set(kind),
        order_date: Set(order.date),
        meal_point_id: Set(order.meal_point_id),
        meal_point_name: Set(order.meal_point_name.clone()),
        service_district_code: Set(order.service_district_code.clone()),
        funding_district_code: Set(order.funding_district_code.clone()),
        meals: Set(f.meals),
        gross_fen: Set(f.gross_fen),
        elder_share_fen: Set(f.elder_share_fen),
        subsidy_fen: Set(f.subsidy_fen),
        subsidy_city_fen: Set(f.subsidy_city_fen),
        subsidy_district_fen: Set(f.subsidy_district_fen),
        subsidy_street_fen: Set(f.subsidy_street_fen),
        reason: Set(reason.to_string()),
        author_account_id: Set(author_account_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// One served order with its frozen amounts, if it exists and is served.
pub async fn served_order(
    db: &impl ConnectionTrait,
    order_id: &str,
) -> StoreResult<Option<(SettledOrder, Option<DateTime<Utc>>)>> {
    let query = settled_orders()
        .column(("o", "served_at"))
        .and_where(Expr::col(("o", "id")).eq(order_id))
        .to_owned();
    let Some(row) = db.query_one(&query).await? else {
        return Ok(None);
    };
    let served_at: Option<DateTime<Utc>> = row.try_get("", "served_at")?;
    Ok(Some((settled_order(&row)?, served_at)))
}

/// The reconciliation of a run as the orders stand now.
pub async fn reconcile(db: &impl ConnectionTrait, run: &run::Model) -> StoreResult<Reconciliation> {
    let lines = line_totals(db, run.id).await?;
    let served = served_totals(db, run.period_from, run.period_to).await?;
    let late = adjustment_totals(db, run.id, AdjustmentKind::LateServed).await?;
    let late_expected = figures_total(&late_served_due(db, run).await?);
    let invalid = adjustment_totals(db, run.id, AdjustmentKind::Invalid).await?;
    Ok(rules::reconcile(
        lines,
        served,
        late,
        late_expected,
        invalid,
    ))
}

/// The reconciliation to show: as checked at submission for a submitted or locked run (a
/// locked run never changes), as the orders stand now for a draft.
pub async fn reconciliation_of(
    db: &impl ConnectionTrait,
    run: &run::Model,
) -> StoreResult<Reconciliation> {
    if run.state != RunState::Draft
        && let Some(json) = &run.reconciliation_json
        && let Ok(stored) = serde_json::from_str::<Reconciliation>(json)
    {
        return Ok(stored);
    }
    reconcile(db, run).await
}

pub async fn find_run(db: &impl ConnectionTrait, id: i64) -> StoreResult<Option<run::Model>> {
    Ok(run::Entity::find_by_id(id).one(db).await?)
}

pub async fn require_run(db: &impl ConnectionTrait, id: i64) -> StoreResult<run::Model> {
    find_run(db, id).await?.ok_or(SettlementError::RunNotFound)
}

/// Who created a run: the city, or a clerk of a district (an account since removed counts as
/// the city's, which lets only the city and the involved districts' clerks take it on).
pub async fn author_of(db: &impl ConnectionTrait, account_id: i64) -> StoreResult<rules::Author> {
    let account = entity::account::Entity::find_by_id(account_id)
        .one(db)
        .await?;
    Ok(
        match account.filter(|a| a.role == vocabulary::Role::DistrictClerk) {
            Some(entity::account::Model {
                district_code: Some(code),
                ..
            }) => rules::Author::District(code),
            _ => rules::Author::City,
        },
    )
}

/// Reads the run again inside a transaction and checks `step` may be taken now.
pub async fn lock_step(
    db: &impl ConnectionTrait,
    run_id: i64,
    step: Step,
) -> StoreResult<(run::Model, RunState)> {
    let run = require_run(db, run_id).await?;
    let state = run.state;
    let next = rules::next_state(state, step)?;
    Ok((run, next))
}

/// Deletes a draft and everything that hangs on it; the run row last, only if it is still a
/// draft (a submit racing the delete leaves it in place: 409 `RUN_STATE_CHANGED`).
pub async fn delete_draft(db: &impl ConnectionTrait, run_id: i64) -> StoreResult<()> {
    adjustment::Entity::delete_many()
        .filter(adjustment::Column::RunId.eq(run_id))
        .exec(db)
        .await?;
    line::Entity::delete_many()
        .filter(line::Column::RunId.eq(run_id))
        .exec(db)
        .await?;
    review::Entity::delete_many()
        .filter(review::Column::RunId.eq(run_id))
        .exec(db)
        .await?;
    event::Entity::delete_many()
        .filter(event::Column::RunId.eq(run_id))
        .exec(db)
        .await?;
    let deleted = run::Entity::delete_many()
        .filter(run::Column::Id.eq(run_id))
        .filter(run::Column::State.eq(RunState::Draft.as_str()))
        .exec(db)
        .await?;
    if deleted.rows_affected == 1 {
        Ok(())
    } else {
        Err(SettlementError::RunStateChanged)
    }
}

/// Moves the run's state only if it is still `from` (compare and set), so two racing steps
/// cannot both succeed.
pub async fn set_state(
    db: &impl ConnectionTrait,
    run_id: i64,
    from: RunState,
    to: RunState,
    extra: impl FnOnce(sea_orm::UpdateMany<run::Entity>) -> sea_orm::UpdateMany<run::Entity>,
) -> StoreResult<()> {
    let update = run::Entity::update_many()
        .col_expr(
            run::Column::State,
            sea_orm::sea_query::Expr::value(to.as_str()),
        )
        .filter(run::Column::Id.eq(run_id))
        .filter(run::Column::State.eq(from.as_str()));
    let result = extra(update).exec(db).await?;
    if result.rows_affected == 1 {
        Ok(())
    } else {
        Err(SettlementError::RunStateChanged)
    }
}

pub async fn list_runs(db: &impl ConnectionTrait) -> StoreResult<Vec<run::Model>> {
    Ok(run::Entity::find()
        .order_by_desc(run::Column::PeriodFrom)
        .order_by_desc(run::Column::Id)
        .all(db)
        .await?)
}

pub async fn lines_of(db: &impl ConnectionTrait, run_id: i64) -> StoreResult<Vec<line::Model>> {
    Ok(line::Entity::find()
        .filter(line::Column::RunId.eq(run_id))
        .order_by_asc(line::Column::ServiceDistrictCode)
        .order_by_asc(line::Column::MealPointId)
        .order_by_asc(line::Column::FundingDistrictCode)
        .all(db)
        .await?)
}

pub async fn adjustments_of(
    db: &impl ConnectionTrait,
    run_id: i64,
) -> StoreResult<Vec<adjustment::Model>> {
    Ok(adjustment::Entity::find()
        .filter(adjustment::Column::RunId.eq(run_id))
        .order_by_asc(adjustment::Column::Id)
        .all(db)
        .await?)
}

pub fn line_figures(l: &line::Model) -> Figures {
    Figures {
        meals: l.meals,
        gross_fen: l.gross_fen,
        elder_share_fen: l.elder_share_fen,
        subsidy_fen: l.subsidy_fen,
        subsidy_city_fen: l.subsidy_city_fen,
        subsidy_district_fen: l.subsidy_district_fen,
        subsidy_street_fen: l.subsidy_street_fen,
    }
}

pub fn adjustment_figures(a: &adjustment::Model) -> Figures {
    Figures {
        meals: a.meals,
        gross_fen: a.gross_fen,
        elder_share_fen: a.elder_share_fen,
        subsidy_fen: a.subsidy_fen,
        subsidy_city_fen: a.subsidy_city_fen,
        subsidy_district_fen: a.subsidy_district_fen,
        subsidy_street_fen: a.subsidy_street_fen,
    }
}

/// Every line and adjustment of the run as flows between districts.
pub async fn flows_of(db: &impl ConnectionTrait, run_id: i64) -> StoreResult<Vec<Flow>> {
    let mut flows: Vec<Flow> = lines_of(db, run_id)
        .await?
        .iter()
        .map(|l| Flow {
            funding_district: l.funding_district_code.clone(),
            service_district: l.service_district_code.clone(),
            figures: line_figures(l),
        })
        .collect();
    flows.extend(adjustments_of(db, run_id).await?.iter().map(|a| Flow {
        funding_district: a.funding_district_code.clone(),
        service_district: a.service_district_code.clone(),
        figures: adjustment_figures(a),
    }));
    Ok(flows)
}

pub async fn reviews_of(db: &impl ConnectionTrait, run_id: i64) -> StoreResult<Vec<review::Model>> {
    Ok(review::Entity::find()
        .filter(review::Column::RunId.eq(run_id))
        .order_by_asc(review::Column::DistrictCode)
        .all(db)
        .await?)
}

/// Opens a pending review for every involved district (on submission).
pub async fn open_reviews(
    db: &impl ConnectionTrait,
    run_id: i64,
    districts: &[String],
) -> StoreResult<()> {
    review::Entity::delete_many()
        .filter(review::Column::RunId.eq(run_id))
        .exec(db)
        .await?;
    for district in districts {
        review::ActiveModel {
            run_id: Set(run_id),
            district_code: Set(district.clone()),
            decision: Set(Decision::Pending),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

pub async fn record_review(
    db: &impl ConnectionTrait,
    run_id: i64,
    district: &str,
    decision: Decision,
    comment: Option<String>,
    account_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    review::Entity::update_many()
        .col_expr(
            review::Column::Decision,
            sea_orm::sea_query::Expr::value(decision.as_str()),
        )
        .col_expr(
            review::Column::Comment,
            sea_orm::sea_query::Expr::value(comment),
        )
        .col_expr(
            review::Column::AccountId,
            sea_orm::sea_query::Expr::value(Some(account_id)),
        )
        .col_expr(
            review::Column::DecidedAt,
            sea_orm::sea_query::Expr::value(Some(now)),
        )
        .filter(review::Column::RunId.eq(run_id))
        .filter(review::Column::DistrictCode.eq(district))
        .exec(db)
        .await?;
    Ok(())
}

/// One step of the audit trail.
pub struct Audit<'a> {
    pub step: RunAction,
    pub districts: (Option<&'a str>, Option<&'a str>),
    pub note: Option<String>,
}

pub async fn audit(
    db: &impl ConnectionTrait,
    run_id: i64,
    caller: &Caller,
    entry: Audit<'_>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    event::ActiveModel {
        run_id: Set(run_id),
        action: Set(entry.step),
        district_code: Set(entry.districts.0.map(str::to_string)),
        other_district_code: Set(entry.districts.1.map(str::to_string)),
        note: Set(entry.note.map(|n| n.chars().take(500).collect())),
        actor_account_id: Set(caller.account_id),
        actor_role: Set(caller.role),
        at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn events_of(db: &impl ConnectionTrait, run_id: i64) -> StoreResult<Vec<event::Model>> {
    Ok(event::Entity::find()
        .filter(event::Column::RunId.eq(run_id))
        .order_by_asc(event::Column::Id)
        .all(db)
        .await?)
}

/// Two runs created at once must not both pass the overlap check: on PostgreSQL a transaction
/// advisory lock makes creations take turns (SQLite already lets one writer at a time).
pub async fn serialise_run_creation(db: &impl ConnectionTrait) -> StoreResult<()> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared("SELECT pg_advisory_xact_lock(2026112305)")
            .await?;
    }
    Ok(())
}

/// Runs whose period overlaps `from..=to`.
pub async fn overlapping_runs(
    db: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Vec<run::Model>> {
    Ok(run::Entity::find()
        .filter(run::Column::PeriodFrom.lte(to))
        .filter(run::Column::PeriodTo.gte(from))
        .all(db)
        .await?)
}

/// The run whose period holds `date`, if any (periods never overlap).
pub async fn run_covering(
    db: &impl ConnectionTrait,
    date: NaiveDate,
) -> StoreResult<Option<run::Model>> {
    Ok(overlapping_runs(db, date, date).await?.into_iter().next())
}

/// Adjustments of `kind` for an order, in any run.
pub async fn adjustments_for_order(
    db: &impl ConnectionTrait,
    order_id: &str,
) -> StoreResult<Vec<adjustment::Model>> {
    Ok(adjustment::Entity::find()
        .filter(adjustment::Column::OrderId.eq(order_id))
        .all(db)
        .await?)
}
