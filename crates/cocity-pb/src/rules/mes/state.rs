//! The money of one run: budget classes as integers over a common unit that payments refine
//! lazily (see [`State`]).

use super::*;

/// The state of one run: every group's budget class, and the class amounts as integers over a
/// common denominator `unit`. Payments only ever subtract, so a common denominator that is
/// refined (multiplied) when a price needs it keeps every amount exact without a gcd per
/// operation; within a payment, the groups of one class that pay the same move to one new class.
///
/// Refining is lazy: a class amount (and a cost) is in units of the unit of its *epoch*, the
/// number of refinements it has seen, and is brought up to date only when a candidate that
/// reads it is examined ([`State::catch_up`]). Most classes and costs are not read in most
/// rounds, and one product per class replaces a multiplication per refinement.
pub(super) struct State {
    pub(super) unit: BigInt,
    /// The factor of each refinement so far: the unit of epoch e is the first unit times
    /// factors[..e].
    pub(super) factors: Vec<BigInt>,
    /// For each epoch e whose product is known, factors[e..] multiplied (reset by `refine`).
    pub(super) pending: Vec<Option<BigInt>>,
    /// Scratch for `pay`: per class, 1 + its entry among the payment's transitions (0: none).
    /// All zero between payments.
    pub(super) trans_of: Vec<u32>,
    /// The epoch of each class's `val`, `slope` and `lslope`.
    pub(super) epoch: Vec<u32>,
    /// The epoch of each candidate's `cost`.
    pub(super) cost_epoch: Vec<u32>,
    pub(super) val: Vec<BigInt>,
    /// Each class's amount as a float (val / unit), for the water-filling's selection and sort.
    pub(super) approx: Vec<f64>,
    pub(super) group_class: Vec<u32>,
    /// Candidate costs in units of 1/`unit` (of their epoch).
    pub(super) cost: Vec<BigInt>,
    /// When tracking a horizon, each class's amount at share b + t, for t in [0, reach], lies
    /// between val + lslope·t and val + slope·t (in units of 1/`unit`); both empty otherwise.
    pub(super) slope: Vec<BigInt>,
    pub(super) lslope: Vec<BigInt>,
    /// `slope` as floats (slope / unit), for tests that only need to be sure by a wide margin.
    pub(super) slope_approx: Vec<f64>,
    /// How far the bounds must hold, as numerator and denominator (`None`: for every t ≥ 0).
    pub(super) reach: Option<(BigInt, BigInt)>,
}

impl State {
    pub(super) fn new(setup: &Setup, b: &Money, n_groups: usize, track: Option<&Track>) -> State {
        let unit = b.denom().lcm(&setup.cost_denoms);
        let start = b.numer() * (&unit / b.denom());
        let mut st = State {
            factors: Vec::new(),
            pending: Vec::new(),
            trans_of: Vec::new(),
            epoch: vec![0],
            cost_epoch: vec![0; setup.n_cands()],
            // unit is a multiple of every cost's denominator: no gcd needed.
            cost: setup
                .cost_big
                .iter()
                .map(|c| c.numer() * (&unit / c.denom()))
                .collect(),
            unit,
            val: vec![BigInt::zero()],
            approx: vec![0.0],
            group_class: Vec::new(),
            slope: if track.is_some() {
                vec![BigInt::zero()]
            } else {
                Vec::new()
            },
            lslope: if track.is_some() {
                vec![BigInt::zero()]
            } else {
                Vec::new()
            },
            slope_approx: if track.is_some() {
                vec![0.0]
            } else {
                Vec::new()
            },
            reach: track.and_then(|t| t.reach.as_ref()).map(|r| {
                let r = r.to_big();
                (r.numer().clone(), r.denom().clone())
            }),
        };
        let unit = st.unit.clone();
        let c = st.intern(start, unit.clone(), unit);
        st.group_class = vec![c; n_groups];
        st
    }

    /// A new class holding `v` (class 0 for nothing left).
    ///
    /// Amounts are not deduplicated across classes: within a payment every old class maps to
    /// one new class, and distinct amounts minus the same price stay distinct, so duplicates
    /// only arise from exact coincidences, which cost a bucket, never a wrong result.
    /// When tracking, an empty purse whose bound still grows with the share is a class of its
    /// own; otherwise every empty purse is class 0.
    pub(super) fn intern(&mut self, v: BigInt, slope: BigInt, lslope: BigInt) -> u32 {
        if v.is_zero() && (slope.is_zero() || !self.tracking()) {
            return 0;
        }
        let id = self.val.len() as u32;
        self.approx.push(ratio_to_f64(&v, &self.unit));
        self.val.push(v);
        self.epoch.push(self.factors.len() as u32);
        if !self.slope.is_empty() {
            self.slope_approx.push(ratio_to_f64(&slope, &self.unit));
            self.slope.push(slope);
            self.lslope.push(lslope);
        }
        id
    }

    pub(super) fn tracking(&self) -> bool {
        !self.slope.is_empty()
    }

    /// Drops the slopes once the horizon is known to be no use.
    pub(super) fn stop_tracking(&mut self) {
        self.slope = Vec::new();
        self.lslope = Vec::new();
        self.slope_approx = Vec::new();
    }

    /// The slope of an upper bound of max(0, a + b·t) over the tracked range of t, where a and
    /// b are in units of 1/`unit`. The function is convex, so over [0, reach] it lies below the
    /// chord between its ends; without a reach only a non-negative slope bounds it for every t.
    pub(super) fn leftover_slope(&self, a: &BigInt, b: BigInt) -> BigInt {
        let exact = !a.is_negative() && !b.is_negative();
        match &self.reach {
            _ if exact => b,
            None => b.max(BigInt::zero()),
            Some((rn, rd)) => {
                let start = a.max(zero()) * rd;
                let end = (a * rd + b * rn).max(BigInt::zero());
                Integer::div_ceil(&(end - start), rn)
            }
        }
    }

    pub(super) fn slope(&self, c: u32) -> &BigInt {
        self.slope.get(c as usize).unwrap_or_else(|| zero())
    }

    pub(super) fn lslope(&self, c: u32) -> &BigInt {
        self.lslope.get(c as usize).unwrap_or_else(|| zero())
    }

    pub(super) fn val(&self, c: u32) -> &BigInt {
        self.val.get(c as usize).unwrap_or_else(|| zero())
    }

    /// Multiplies the unit by `f`; amounts follow when read (see [`State::catch_up`]).
    pub(super) fn refine(&mut self, f: &BigInt) {
        if f.is_one() {
            return;
        }
        // The factor is a count of voters, or a divisor of one, nearly always: a machine word.
        match f.to_u64() {
            Some(m) => self.unit *= m,
            None => self.unit *= f,
        }
        self.factors.push(f.clone());
        self.pending.clear();
    }

    /// Brings class `c`'s amounts to the current unit.
    pub(super) fn catch_up(&mut self, c: u32) {
        let ci = c as usize;
        if c == 0 {
            return;
        }
        let State {
            factors,
            pending,
            epoch,
            val,
            slope,
            lslope,
            ..
        } = self;
        if let Some(e) = epoch.get_mut(ci) {
            advance(
                factors,
                pending,
                e,
                [val.get_mut(ci), slope.get_mut(ci), lslope.get_mut(ci)],
            );
        }
    }

    /// Brings candidate `ci`'s cost to the current unit.
    pub(super) fn catch_up_cost(&mut self, ci: usize) {
        if let Some(e) = self.cost_epoch.get_mut(ci) {
            advance(&self.factors, &mut self.pending, e, [self.cost.get_mut(ci)]);
        }
    }

    pub(super) fn move_group(&mut self, g: usize, to: u32) {
        if let Some(gc) = self.group_class.get_mut(g) {
            *gc = to;
        }
    }
}

/// Multiplies `values`, in units of epoch `*epoch`, by the refinements since, and moves them to
/// the current epoch.
pub(super) fn advance<const N: usize>(
    factors: &[BigInt],
    pending: &mut Vec<Option<BigInt>>,
    epoch: &mut u32,
    values: [Option<&mut BigInt>; N],
) {
    let Some(m) = product_since(factors, pending, *epoch) else {
        return;
    };
    for v in values.into_iter().flatten() {
        *v *= m;
    }
    *epoch = factors.len() as u32;
}

/// The product of `factors[e..]`, or `None` if there are none, kept in `pending` (whose known
/// entries are those of the latest epochs) so that classes of the same epoch share it.
pub(super) fn product_since<'a>(
    factors: &[BigInt],
    pending: &'a mut Vec<Option<BigInt>>,
    e: u32,
) -> Option<&'a BigInt> {
    let now = factors.len();
    let e = e as usize;
    if e >= now {
        return None;
    }
    if pending.len() < now {
        pending.resize(now, None);
    }
    let mut k = now;
    while k > e && pending.get(k - 1).is_some_and(Option::is_some) {
        k -= 1;
    }
    // Built from the newest factor down, so that every epoch on the way is kept too.
    while k > e {
        let f = factors.get(k - 1)?;
        let p = match pending.get(k).and_then(Option::as_ref) {
            Some(up) => f * up,
            None => f.clone(),
        };
        if let Some(slot) = pending.get_mut(k - 1) {
            *slot = Some(p);
        }
        k -= 1;
    }
    pending.get(e).and_then(Option::as_ref)
}
