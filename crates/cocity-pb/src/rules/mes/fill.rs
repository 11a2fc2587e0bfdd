//! Evaluating a candidate: its supporters gathered by budget class ([`gather`]), the
//! water-filling that finds its ρ ([`water_fill`]) and, when tracking a horizon, the upper path
//! of that ρ as the share grows ([`upper_path`]).

use super::*;

/// An evaluated candidate: ρ, and the water-filling state that produced it (the money still
/// needed from the supporters who pay ρ·u in full, and Σ count·U over them).
///
/// When tracking a horizon, (rho.n + rho1·t) / rho.d is a lower bound of ρ at share b + t, exact
/// at t = 0, and need + need1·t is the matching upper bound of what is still needed (see
/// `horizon`).
pub(super) struct Eval {
    pub(super) rho: Frac,
    pub(super) need: BigInt,
    pub(super) s: BigInt,
    pub(super) rho1: BigInt,
    pub(super) need1: BigInt,
    /// How many buckets pay all they have: the first ones in the order the evaluation left.
    pub(super) capped: usize,
}

/// A bucket of supporters holding the same money with the same utility.
pub(super) struct Bucket {
    pub(super) cls: u32,
    pub(super) util: u32,
    pub(super) count: u64,
    /// The class amount as a float, the sort key when every supporter has the same utility.
    pub(super) key: f64,
}

/// A shared zero, for lookups that fall outside a table.
pub(super) fn zero() -> &'static BigInt {
    static ZERO: std::sync::OnceLock<BigInt> = std::sync::OnceLock::new();
    ZERO.get_or_init(BigInt::zero)
}

/// The weight of one voter of a bucket in the water-filling: 1 when every supporter has the same
/// utility (each rich supporter then pays need / count), else its scaled utility.
pub(super) fn weight(scaled: &[BigInt], uniform: bool, util: u32) -> &BigInt {
    static ONE: std::sync::OnceLock<BigInt> = std::sync::OnceLock::new();
    if uniform {
        ONE.get_or_init(BigInt::one)
    } else {
        scaled.get(util as usize).unwrap_or_else(|| zero())
    }
}

/// Scratch space reused across evaluations within a run.
pub(super) struct Scratch {
    pub(super) count: Vec<u64>,
    pub(super) touched: Vec<u32>,
    pub(super) pairs: Vec<(u32, u32, u64)>,
    pub(super) buckets: Vec<Bucket>,
}

/// Collects the supporters of `ci` with money left into `s.buckets`. With one utility for all
/// (each bucket a class) they are left in any order, for `water_fill` to split at the water
/// level, or [`gather_sorted`]; with several, sorted by money / utility ascending.
fn gather(setup: &Setup, st: &mut State, ci: usize, s: &mut Scratch) {
    st.catch_up_cost(ci);
    let supp = setup.supporters_of(ci);
    s.buckets.clear();
    let scaled = setup.scaled.get(ci).map(Vec::as_slice).unwrap_or(&[]);
    if scaled.len() <= 1 {
        if s.count.len() < st.val.len() {
            s.count.resize(st.val.len(), 0);
        }
        for &(g, _, m) in supp {
            let cls = st.group_class.get(g as usize).copied().unwrap_or(0);
            if cls == 0 {
                continue;
            }
            if let Some(c) = s.count.get_mut(cls as usize) {
                if *c == 0 {
                    s.touched.push(cls);
                }
                *c += m;
            }
        }
        for &cls in &s.touched {
            if let Some(c) = s.count.get_mut(cls as usize) {
                s.buckets.push(Bucket {
                    cls,
                    util: 0,
                    count: *c,
                    key: st.approx.get(cls as usize).copied().unwrap_or(0.0),
                });
                *c = 0;
            }
        }
        s.touched.clear();
    } else {
        s.pairs.clear();
        for &(g, u, m) in supp {
            let cls = st.group_class.get(g as usize).copied().unwrap_or(0);
            if cls == 0 {
                continue;
            }
            s.pairs.push((cls, u, m));
        }
        s.pairs.sort_unstable_by_key(|&(c, u, _)| (c, u));
        let mut i = 0;
        while let Some(&(c, u, _)) = s.pairs.get(i) {
            let mut count = 0;
            while let Some(&(c2, u2, m)) = s.pairs.get(i) {
                if (c2, u2) != (c, u) {
                    break;
                }
                count += m;
                i += 1;
            }
            s.buckets.push(Bucket {
                cls: c,
                util: u,
                count,
                key: 0.0,
            });
        }
        for b in &s.buckets {
            st.catch_up(b.cls);
        }
        let zero = BigInt::zero();
        let u = |k: u32| scaled.get(k as usize).unwrap_or(&zero);
        s.buckets
            .sort_by(|a, b| (st.val(a.cls) * u(b.util)).cmp(&(st.val(b.cls) * u(a.util))));
    }
}

/// Evaluates candidate `ci` as its supporters' money stands now ([`gather`], then
/// [`water_fill`]), leaving its supporters in `s.buckets`.
pub(super) fn evaluate(
    setup: &Setup,
    st: &mut State,
    ci: usize,
    s: &mut Scratch,
) -> Result<Eval, BigInt> {
    gather(setup, st, ci, s);
    water_fill(setup, st, ci, &mut s.buckets)
}

/// [`gather`], with the buckets sorted in full whatever the utilities.
pub(super) fn gather_sorted(setup: &Setup, st: &mut State, ci: usize, s: &mut Scratch) {
    gather(setup, st, ci, s);
    if setup.scaled.get(ci).is_none_or(|sc| sc.len() <= 1) {
        sort_by_money(st, &mut s.buckets);
    }
}

/// Sorts one-utility buckets by their amounts, ascending: by the floats (which refining the
/// unit does not change), then repaired exactly.
fn sort_by_money(st: &mut State, buckets: &mut [Bucket]) {
    buckets.sort_unstable_by(|a, b| a.key.total_cmp(&b.key));
    repair(st, buckets);
}

/// Repairs a float-sorted run of buckets by insertion: floats can only misorder nearly equal
/// amounts, and only those pairs are compared exactly. A class is brought to the current unit
/// when compared here or read by `water_fill`; most buckets past the water level never are.
fn repair(st: &mut State, buckets: &mut [Bucket]) {
    for i in 1..buckets.len() {
        let mut j = i;
        while j > 0 {
            let (Some(a), Some(b)) = (buckets.get(j - 1), buckets.get(j)) else {
                break;
            };
            if frac::surely_below(a.key, b.key) {
                break;
            }
            let (ca, cb) = (a.cls, b.cls);
            st.catch_up(ca);
            st.catch_up(cb);
            if st.val(ca) <= st.val(cb) {
                break;
            }
            buckets.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// The least ρ with Σ count·min(money, ρ·util) ≥ cost over the buckets of [`gather`], or
/// `None` if the supporters' money does not cover the cost. One-utility buckets are reordered
/// here so that those paying all they have come first (`Eval::capped` of them).
///
/// `Err` holds the money the supporters hold in all when it does not cover the cost.
///
/// Every bucket it reads is brought to the current unit on the way: with `Ok`, the capped
/// buckets (`..capped`); with `Err`, all of them. Those are the ones the caller may read next.
fn water_fill(
    setup: &Setup,
    st: &mut State,
    ci: usize,
    buckets: &mut [Bucket],
) -> Result<Eval, BigInt> {
    let uniform = setup.scaled.get(ci).is_some_and(|sc| sc.len() <= 1);
    if !uniform {
        return water_fill_weighted(setup, st, ci, buckets);
    }
    // Taken out for the loop, which brings classes up to date as it reads them.
    let Some(cost) = st.cost.get_mut(ci).map(std::mem::take) else {
        return Err(BigInt::zero());
    };
    let filled = water_fill_uniform(setup, st, ci, &cost, buckets);
    if let Some(slot) = st.cost.get_mut(ci) {
        *slot = cost;
    }
    filled
}

/// Every supporter weighs the same: the water level is found counting voters, with the stop
/// test in floats unless too close to call.
fn water_fill_uniform(
    setup: &Setup,
    st: &mut State,
    ci: usize,
    cost: &BigInt,
    buckets: &mut [Bucket],
) -> Result<Eval, BigInt> {
    let mut rem: u64 = buckets.iter().map(|b| b.count).sum();
    let mut held = Accum::default();
    let cost_f = ratio_to_f64(cost, &st.unit);
    // Money surely short of the cost needs no order: its sum is the answer. A candidate that
    // its supporters cannot afford is met at every round until it is dropped.
    let total_f: f64 = buckets.iter().map(|b| b.key * b.count as f64).sum();
    if cost_f.is_normal() && total_f.is_finite() && cost_f - total_f > frac::MARGIN * cost_f {
        for b in buckets.iter() {
            st.catch_up(b.cls);
            held.add(st.val(b.cls), b.count);
        }
        return Err(held.take());
    }
    // Most splits are found by selection in floats, then checked exactly; the sorted scan
    // below settles the rest.
    if let Some(k) = float_split(buckets, cost_f)
        && let Some(found) = checked_split(setup, st, ci, cost, buckets, k)
    {
        return found;
    }
    sort_by_money(st, buckets);
    // The float error of `need_f` stays below k·ε·cost, far inside the margin.
    let mut need_f = cost_f;
    for (k, b) in buckets.iter().enumerate() {
        st.catch_up(b.cls);
        let val = st.val(b.cls);
        let val_f = st.approx.get(b.cls as usize).copied().unwrap_or(f64::NAN);
        let level_f = val_f * rem as f64;
        let gap = need_f - level_f;
        let stops = if gap.abs() > frac::MARGIN * (cost_f + level_f.abs()) {
            gap < 0.0
        } else {
            // Also the path of NaN and ∞: exact.
            cost - held.sum() <= val * rem
        };
        if stops {
            let paid = held.take();
            return level(setup, st, ci, buckets, k, cost - &paid, BigInt::from(rem));
        }
        held.add(val, b.count);
        need_f -= val_f * b.count as f64;
        rem -= b.count;
    }
    Err(held.take())
}

/// Guesses which one-utility buckets pay all they have, by selection on the floats (no sort):
/// reorders `buckets` so that those come first and returns how many they are. `None` when the
/// floats are out of range or the selection takes too many rounds.
///
/// Each round splits the undecided buckets at a pivot amount p into [< p | = p | > p]. If the
/// money at level p, Σ count·min(amount, p), reaches the cost, the level is at most p and every
/// bucket from p up pays the level; otherwise every bucket up to p pays all it has.
fn float_split(buckets: &mut [Bucket], cost: f64) -> Option<usize> {
    if !cost.is_finite() || buckets.iter().any(|b| !b.key.is_finite()) {
        return None;
    }
    let (mut lo, mut hi) = (0, buckets.len());
    // Money of the buckets before `lo`, which pay all they have; voters from `hi` on, who pay
    // the level.
    let mut held = 0.0;
    let mut above = 0u64;
    // Median-of-three pivots make a bad split rare; this bound makes it harmless.
    let mut rounds = 2 * (usize::BITS - buckets.len().leading_zeros()) + 8;
    while lo < hi {
        rounds = rounds.checked_sub(1)?;
        let range = buckets.get_mut(lo..hi)?;
        let p = median_key(range);
        let (less, equal) = partition3(range, p);
        let (mut below_money, mut rest) = (0.0, 0u64);
        for (i, b) in range.iter().enumerate() {
            if i < less {
                below_money += b.key * b.count as f64;
            } else {
                rest += b.count;
            }
        }
        if held + below_money + p * (rest + above) as f64 >= cost {
            above += rest;
            hi = lo + less;
        } else {
            held += below_money;
            for b in range.get(less..less + equal).unwrap_or(&[]) {
                held += b.key * b.count as f64;
            }
            lo += less + equal;
        }
    }
    Some(lo)
}

/// The median of the first, middle and last keys of a non-empty run of buckets.
fn median_key(range: &[Bucket]) -> f64 {
    let key = |i: usize| range.get(i).map_or(0.0, |b| b.key);
    let (a, b, c) = (
        key(0),
        key(range.len() / 2),
        key(range.len().saturating_sub(1)),
    );
    a.max(b).min(a.min(b).max(c))
}

/// Reorders `range` into keys below `p`, equal to it, above it; returns the first two sizes.
fn partition3(range: &mut [Bucket], p: f64) -> (usize, usize) {
    let (mut lt, mut i, mut gt) = (0, 0, range.len());
    while i < gt {
        let key = range.get(i).map_or(p, |b| b.key);
        if key < p {
            range.swap(lt, i);
            lt += 1;
            i += 1;
        } else if key > p {
            gt -= 1;
            range.swap(i, gt);
        } else {
            i += 1;
        }
    }
    (lt, gt - lt)
}

/// Checks exactly that the first `k` one-utility buckets are the ones that pay all they have:
/// each of them holds less than the level ρ these imply, and each other bucket at least ρ. Such
/// a split is unique, so it is the sorted scan's. `None` when the guess is wrong; with `Some`,
/// the capped buckets (with `Err`, all of them) are brought to the current unit.
fn checked_split(
    setup: &Setup,
    st: &mut State,
    ci: usize,
    cost: &BigInt,
    buckets: &[Bucket],
    k: usize,
) -> Option<Result<Eval, BigInt>> {
    let (capped, rest) = (buckets.get(..k)?, buckets.get(k..)?);
    let mut held = Accum::default();
    for b in capped {
        st.catch_up(b.cls);
        held.add(st.val(b.cls), b.count);
    }
    let need = cost - held.sum();
    let rem: u64 = rest.iter().map(|b| b.count).sum();
    if !need.is_positive() {
        return None;
    }
    if rem == 0 {
        // Every supporter paying all it has falls short of the cost.
        return Some(Err(held.take()));
    }
    let level_f = ratio_to_f64(&need, &st.unit) / rem as f64;
    let rem_big = BigInt::from(rem);
    for b in capped {
        if !frac::surely_below(b.key, level_f) && st.val(b.cls) * &rem_big >= need {
            return None;
        }
    }
    for b in rest {
        if !frac::surely_below(level_f, b.key) {
            st.catch_up(b.cls);
            if st.val(b.cls) * &rem_big < need {
                return None;
            }
        }
    }
    Some(level(setup, st, ci, buckets, k, need, rem_big))
}

/// Supporters weigh their utilities; `gather` sorted them by exact products, which brought
/// every class up to date.
fn water_fill_weighted(
    setup: &Setup,
    st: &State,
    ci: usize,
    buckets: &[Bucket],
) -> Result<Eval, BigInt> {
    let (Some(cost), Some(scaled)) = (st.cost.get(ci), setup.scaled.get(ci)) else {
        return Err(BigInt::zero());
    };
    let u = |b: &Bucket| weight(scaled, false, b.util);
    let mut s: BigInt = buckets.iter().map(|b| u(b) * b.count).sum();
    let mut paid = BigInt::zero();
    for (k, b) in buckets.iter().enumerate() {
        let need = cost - &paid;
        let val = st.val(b.cls);
        if &need * u(b) <= val * &s {
            return level(setup, st, ci, buckets, k, need, s);
        }
        paid += val * b.count;
        s -= u(b) * b.count;
    }
    Err(paid)
}

/// The evaluation when the water stops at bucket `k`: the buckets before it pay all they have,
/// and `need` is left for the rest, who weigh `s`.
fn level(
    setup: &Setup,
    st: &State,
    ci: usize,
    buckets: &[Bucket],
    k: usize,
    need: BigInt,
    s: BigInt,
) -> Result<Eval, BigInt> {
    let need1: BigInt = if st.tracking() {
        -slope_sum(st, buckets.get(..k).unwrap_or(&[]))
    } else {
        BigInt::zero()
    };
    let (num, den) = rho_frac(setup, &st.unit, ci, &s).ok_or_else(BigInt::zero)?;
    Ok(Eval {
        rho: Frac::new(&need * &num, den),
        rho1: &need1 * &num,
        need,
        s,
        need1,
        capped: k,
    })
}

/// Σ count·slope over `buckets`: how fast the upper bound of their money grows with the share.
pub(super) fn slope_sum(st: &State, buckets: &[Bucket]) -> BigInt {
    counted_sum(buckets, |c| st.slope(c))
}

/// Σ count·f(class) over `buckets`, with no allocation per bucket.
pub(super) fn counted_sum<'a>(buckets: &[Bucket], f: impl Fn(u32) -> &'a BigInt) -> BigInt {
    let mut sum = Accum::default();
    for b in buckets {
        sum.add(f(b.cls), b.count);
    }
    sum.take()
}

/// An upper bound of the pick's ρ at share b + t: the water level of the lower bounds of its
/// supporters' money, a convex piecewise-linear function of t. With the split of the
/// water-filling at t = 0, (cost − Σ_capped money) / Σ_rest count·u is that level until the
/// money of a capped bucket reaches its payment (a bend); the bucket then pays ρ·u like the rest
/// and the next line starts. Only capped buckets can cross, as the others' money only rises while
/// the level falls. Past the last piece computed the level stays at most its value there.
pub(super) fn upper_path(
    setup: &Setup,
    st: &mut State,
    ci: usize,
    ev: &Eval,
    buckets: &[Bucket],
) -> Vec<Piece> {
    // The capped buckets are read below; `water_fill` brought them up to date when it found
    // `ev`, and this makes sure of it.
    for b in buckets.get(..ev.capped).unwrap_or(&[]) {
        st.catch_up(b.cls);
    }
    let st: &State = st;
    // Each piece costs a pass over the capped buckets here and a comparison per competitor.
    const MAX_PIECES: usize = 8;
    let scaled = setup.scaled.get(ci).map(Vec::as_slice).unwrap_or(&[]);
    let uniform = scaled.len() <= 1;
    let u = |b: &Bucket| weight(scaled, uniform, b.util);
    let capped = buckets.get(..ev.capped).unwrap_or(&[]);
    let mut need0 = ev.need.clone();
    let mut need1 = -counted_sum(capped, |c| st.lslope(c));
    let mut capped: Vec<&Bucket> = capped.iter().collect();
    // Each capped bucket's money, the slope of its lower bound and its weight as floats: a float
    // test rules out the buckets that clearly cross after another one, and only the rest are
    // compared exactly.
    let mut approx: Vec<[f64; 3]> = capped
        .iter()
        .map(|b| {
            let w = if uniform {
                1.0
            } else {
                ratio_to_f64(u(b), &BigInt::one())
            };
            let val = st.approx.get(b.cls as usize).copied().unwrap_or(f64::NAN);
            [val, ratio_to_f64(st.lslope(b.cls), &st.unit), w]
        })
        .collect();
    let mut s = ev.s.clone();
    let mut from = Frac::new(BigInt::zero(), BigInt::one());
    let reach = st
        .reach
        .as_ref()
        .map(|(n, d)| Frac::new(n.clone(), d.clone()));
    let beyond = |t: &Frac| reach.as_ref().is_some_and(|r| t.cmp(r) != Ordering::Less);
    let mut pieces = Vec::new();
    while let Some((num, den)) = rho_frac(setup, &st.unit, ci, &s) {
        let w = Frac::new(&need0 * &num, den);
        let w1 = &need1 * &num;
        let mut next: Option<(Frac, usize)> = None;
        let line = [
            ratio_to_f64(&need0, &st.unit),
            ratio_to_f64(&need1, &st.unit),
            ratio_to_f64(&s, &BigInt::one()),
            from.to_f64(),
        ];
        let spans: Vec<(f64, f64)> = approx
            .iter()
            .map(|a| horizon::crossing_span(a, &line))
            .collect();
        let cut = spans.iter().map(|s| s.1).fold(f64::INFINITY, f64::min);
        for (i, b) in capped.iter().enumerate() {
            if spans.get(i).is_some_and(|s| s.0 > cut) {
                continue;
            }
            let money = st.val(b.cls) * &s;
            let pays = &need0 * u(b);
            let t = if money >= pays {
                Some(from.clone())
            } else {
                horizon::crossing(&money, &(st.lslope(b.cls) * &s), &pays, &(&need1 * u(b)))
            };
            if let Some(t) = t {
                let t = if t.cmp(&from) == Ordering::Less {
                    from.clone()
                } else {
                    t
                };
                if next
                    .as_ref()
                    .is_none_or(|(n, _)| t.cmp(n) == Ordering::Less)
                {
                    next = Some((t, i));
                }
            }
        }
        let Some((t, i)) = next.filter(|(t, _)| !beyond(t)) else {
            pieces.push(Piece {
                from,
                to: None,
                w,
                w1,
            });
            break;
        };
        // Out of pieces: flat from the bend on, at the level there.
        let last = (pieces.len() + 2 >= MAX_PIECES)
            .then(|| Frac::new(&w.n * &t.d + &w1 * &t.n, &w.d * &t.d));
        pieces.push(Piece {
            from,
            to: Some(t.clone()),
            w,
            w1,
        });
        if let Some(level) = last {
            pieces.push(Piece {
                from: t,
                to: None,
                w: level,
                w1: BigInt::zero(),
            });
            break;
        }
        let b = capped.swap_remove(i);
        approx.swap_remove(i);
        need0 += st.val(b.cls) * b.count;
        need1 += st.lslope(b.cls) * b.count;
        s += u(b) * b.count;
        from = t;
    }
    pieces
}

/// ρ = need · num / den for candidate `ci` when the supporters who pay ρ·u weigh `s` in all
/// (their count when every supporter has the same utility).
pub(super) fn rho_frac(
    setup: &Setup,
    unit: &BigInt,
    ci: usize,
    s: &BigInt,
) -> Option<(BigInt, BigInt)> {
    if setup.scaled.get(ci)?.len() <= 1 {
        let (un, ud) = setup.uniform_util.get(ci)?;
        Some((ud.clone(), unit * s * un))
    } else {
        Some((setup.scale.get(ci)?.clone(), unit * s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn buckets(amounts: &[(u8, u8)]) -> Vec<Bucket> {
        amounts
            .iter()
            .enumerate()
            .map(|(i, &(key, count))| Bucket {
                cls: i as u32 + 1,
                util: 0,
                count: u64::from(count) + 1,
                key: f64::from(key),
            })
            .collect()
    }

    /// The capped buckets by the sorted scan: sorted by amount, the first ones whose amount
    /// is below what the rest would each pay.
    fn capped_by_scan(bs: &[Bucket], cost: f64) -> Vec<u32> {
        let mut sorted: Vec<&Bucket> = bs.iter().collect();
        sorted.sort_by(|a, b| a.key.total_cmp(&b.key));
        let mut rem: u64 = bs.iter().map(|b| b.count).sum();
        let mut need = cost;
        let mut capped = Vec::new();
        for b in sorted {
            if need <= b.key * rem as f64 {
                break;
            }
            need -= b.key * b.count as f64;
            rem -= b.count;
            capped.push(b.cls);
        }
        capped.sort_unstable();
        capped
    }

    proptest! {
        // Small integer amounts make ties (with the pivot, and with the level) common; every
        // sum is exact in floats, so the selection must agree with the scan exactly.
        #[test]
        fn selection_splits_where_the_sorted_scan_does(
            amounts in proptest::collection::vec((1u8..12, 0u8..4), 1..40),
            share in 0.0f64..1.2,
        ) {
            let mut bs = buckets(&amounts);
            let total: f64 = bs.iter().map(|b| b.key * b.count as f64).sum();
            let cost = (total * share).round().max(1.0);
            let want = capped_by_scan(&bs, cost);
            let k = float_split(&mut bs, cost);
            prop_assert!(k.is_some());
            let k = k.unwrap_or(0);
            let mut got: Vec<u32> = bs.iter().take(k).map(|b| b.cls).collect();
            got.sort_unstable();
            if cost > total {
                prop_assert_eq!(k, bs.len());
            } else {
                prop_assert_eq!(got, want);
            }
        }
    }

    /// Three voters supporting candidate 0 (cost 10) hold 2F, 4F − 1 and 4F + 1 units of 1/F
    /// (F = 10³⁰): floats see the last two as equal, and only exact arithmetic shows that the
    /// water level is 4F + 1, with the first two paying all they have.
    #[test]
    fn splits_that_floats_cannot_see_are_settled_exactly() {
        let text = "META\nkey;value\nbudget;30\nvote_type;approval\nPROJECTS\nproject_id;cost\n\
                    1;10\n2;10\n3;10\nVOTES\nvoter_id;vote\n1;1\n2;1,2\n3;1,3\n";
        let Ok(e) = crate::pabulib::read_str(text) else {
            panic!("the election reads");
        };
        let ctx = crate::rules::Ctx::new(&e, crate::satisfaction::Sat::Cost);
        let setup = Setup::build(&ctx);
        let f = BigInt::from(10u8).pow(30);
        let mut st = State::new(&setup, &Money::from_integer(BigInt::one()), 3, None);
        st.refine(&f);
        let amounts = [&f * 2u8, &f * 4u8 - 1u8, &f * 4u8 + 1u8];
        let classes: Vec<u32> = amounts
            .iter()
            .map(|v| st.intern(v.clone(), BigInt::zero(), BigInt::zero()))
            .collect();
        for (g, &c) in classes.iter().enumerate() {
            st.move_group(g, c);
        }
        let ordered = |st: &State, order: [usize; 3]| -> Vec<Bucket> {
            order
                .iter()
                .filter_map(|&i| classes.get(i))
                .map(|&cls| Bucket {
                    cls,
                    util: 0,
                    count: 1,
                    key: st.approx.get(cls as usize).copied().unwrap_or(f64::NAN),
                })
                .collect()
        };
        st.catch_up_cost(0);
        let Some(cost) = st.cost.first().cloned() else {
            panic!("one candidate at least");
        };
        // Wrong guesses are refused: 4F − 1 left to pay the level, or 4F + 1 said to pay all.
        let wrong = ordered(&st, [0, 1, 2]);
        assert!(checked_split(&setup, &mut st, 0, &cost, &wrong, 1).is_none());
        let wrong = ordered(&st, [0, 2, 1]);
        assert!(checked_split(&setup, &mut st, 0, &cost, &wrong, 2).is_none());
        // Whatever the order it starts from, the water-filling finds the exact split.
        for order in [[2, 1, 0], [1, 2, 0], [0, 2, 1]] {
            let mut bs = ordered(&st, order);
            let Ok(ev) = water_fill_uniform(&setup, &mut st, 0, &cost, &mut bs) else {
                panic!("the supporters can afford it");
            };
            assert_eq!(ev.capped, 2);
            assert_eq!(ev.need, &f * 4u8 + 1u8);
            assert_eq!(ev.s, BigInt::one());
            let mut capped: Vec<u32> = bs.iter().take(2).map(|b| b.cls).collect();
            capped.sort_unstable();
            assert_eq!(capped, classes.get(..2).unwrap_or(&[]).to_vec());
        }
    }

    #[test]
    fn three_way_partition_keeps_every_bucket() {
        let mut bs = buckets(&[(5, 0), (3, 1), (5, 2), (9, 0), (1, 3), (5, 1)]);
        let (less, equal) = partition3(&mut bs, 5.0);
        assert_eq!((less, equal), (2, 3));
        let keys: Vec<f64> = bs.iter().map(|b| b.key).collect();
        assert!(keys.iter().take(2).all(|&k| k < 5.0));
        assert!(keys.iter().skip(2).take(3).all(|&k| k == 5.0));
        assert_eq!(keys.get(5), Some(&9.0));
        let mut ids: Vec<u32> = bs.iter().map(|b| b.cls).collect();
        ids.sort_unstable();
        assert_eq!(ids, vec![1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn out_of_range_amounts_are_left_to_the_sorted_scan() {
        let mut bs = buckets(&[(5, 0), (3, 1)]);
        if let Some(b) = bs.get_mut(1) {
            b.key = f64::INFINITY;
        }
        assert_eq!(float_split(&mut bs, 4.0), None);
        assert_eq!(float_split(&mut buckets(&[(5, 0)]), f64::NAN), None);
    }
}
