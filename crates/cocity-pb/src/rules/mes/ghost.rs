//! Candidates dropped as unaffordable while a run tracks its horizon ([`Ghost`]).

use super::*;

/// A candidate dropped as unaffordable in some round of a run that tracks a horizon with a
/// reach, whose supporters' money could cover its cost from share b + `afford` on.
///
/// Money only falls within a run and each supporter's money is bounded by a line rising in t,
/// so at a share b + t with the same picks up to some round, the candidate's ρ in that round
/// and every later one is at least the water level of those bounds at t. A later pick, whose ρ
/// is at most X from `afford` on, keeps its place until the bounds could pay the cost at level
/// X (`reaches`). After the last pick, the candidate must stay unaffordable (checked at the end
/// of the run).
pub(super) struct Ghost {
    pub(super) ci: usize,
    pub(super) afford: Frac,
    /// The supporters' money bounds, taken when first needed and again when they would limit
    /// the horizon in a later round (the money then is less).
    pub(super) tops: Option<Tops>,
    /// The last level checked and the share it limits the horizon to (`None`: never).
    pub(super) last: Option<(Frac, Option<Frac>)>,
}

/// Per bucket of a candidate's supporters in some round: money, the slope of its upper bound
/// (≥ 0), the utility index and the voters, in units of 1/`unit`, with the cost.
pub(super) struct Tops {
    pub(super) round: usize,
    pub(super) buckets: Vec<(BigInt, BigInt, u32, u64)>,
    pub(super) cost: BigInt,
    pub(super) unit: BigInt,
}

/// What a ghost means for the horizon of the round being checked.
pub(super) enum Threat {
    /// It could undercut the pick from this t on.
    At(Frac),
    /// Not before the horizon found so far.
    NotBefore,
    /// Its supporters' money can no longer reach its cost in this run.
    Gone,
}

impl Ghost {
    /// Candidate `ci`, whose supporters hold `held` in all and gain at most `rise` per unit of
    /// t; `None` if that money never reaches its cost.
    pub(super) fn new(st: &State, ci: usize, held: &BigInt, rise: &BigInt) -> Option<Ghost> {
        let cost = st.cost.get(ci)?;
        Some(Ghost {
            ci,
            afford: horizon::crossing(held, rise, cost, zero())?,
            tops: None,
            last: None,
        })
    }

    /// Candidate `ci` as its supporters' money stands in `st`, leaving them in `scratch.buckets`;
    /// `Ok(None)` if that money's bound never reaches its cost, `Err` if it is affordable now.
    pub(super) fn now(
        setup: &Setup,
        st: &mut State,
        ci: usize,
        scratch: &mut Scratch,
    ) -> Result<Option<Ghost>, ()> {
        match evaluate(setup, st, ci, scratch) {
            Ok(_) => Err(()),
            Err(held) => Ok(Ghost::new(st, ci, &held, &slope_sum(st, &scratch.buckets))),
        }
    }

    /// Where this candidate could undercut the pick of round `round`, whose ρ is bounded by
    /// `path`, given that the horizon is `limit` already.
    pub(super) fn limit(
        &mut self,
        run: (&Setup, &mut State, &mut Scratch),
        round: usize,
        limit: &Frac,
        path: &[Piece],
    ) -> Threat {
        let (setup, st, scratch) = run;
        loop {
            if self.afford.cmp(limit) != Ordering::Less {
                return Threat::NotBefore;
            }
            let x = horizon::value_at(path, &self.afford);
            if let Some(tops) = &self.tops {
                // A lower level is only reached later: a limit found for a higher one holds.
                let known = match &self.last {
                    Some((lx, lt)) if x.cmp(lx) != Ordering::Greater => Some(lt.clone()),
                    _ => None,
                };
                let t = match known {
                    Some(t) => t,
                    None => {
                        let t = tops.reaches(setup, self.ci, &x);
                        self.last = Some((x, t.clone()));
                        t
                    }
                };
                match t {
                    None => return Threat::NotBefore,
                    Some(t) if t.cmp(limit) != Ordering::Less => return Threat::NotBefore,
                    Some(t) if tops.round == round => {
                        return Threat::At(if t.cmp(&self.afford) == Ordering::Less {
                            self.afford.clone()
                        } else {
                            t
                        });
                    }
                    Some(_) => {}
                }
            }
            // No bounds yet, or bounds of an earlier round that would limit: take them now.
            let fresh = match Ghost::now(setup, st, self.ci, scratch) {
                Ok(Some(fresh)) => fresh,
                Ok(None) => return Threat::Gone,
                // Money only falls within a run: it cannot be affordable again.
                Err(()) => return Threat::At(Frac::new(BigInt::zero(), BigInt::one())),
            };
            self.afford = fresh.afford;
            self.last = None;
            self.tops = Some(Tops {
                round,
                buckets: scratch
                    .buckets
                    .iter()
                    .map(|b| {
                        let v = st.val(b.cls).clone();
                        (v, st.slope(b.cls).max(zero()).clone(), b.util, b.count)
                    })
                    .collect(),
                cost: st.cost.get(self.ci).cloned().unwrap_or_default(),
                unit: st.unit.clone(),
            });
        }
    }
}

impl Tops {
    /// The least t at which the supporters' bounds pay the cost with nobody paying more than
    /// the level of ρ = `x`: Σ count·min(money + slope·t, λ·weight) ≥ cost, where λ is `x` in
    /// money per unit of weight. A concave piecewise-linear function of t, swept in order of
    /// the shares where each supporter reaches λ·weight.
    pub(super) fn reaches(&self, setup: &Setup, ci: usize, x: &Frac) -> Option<Frac> {
        let (num, d) = rho_frac(setup, &self.unit, ci, &BigInt::one())?;
        let scaled = setup.scaled.get(ci).map(Vec::as_slice).unwrap_or(&[]);
        let uniform = scaled.len() <= 1;
        // λ = x.n·d / (x.d·num); each term is scaled by λd = x.d·num.
        let (ln, ld) = (&x.n * &d, &x.d * &num);
        let terms: Vec<horizon::Term> = self
            .buckets
            .iter()
            .map(|(v, sl, u, c)| horizon::Term {
                now: &ld * v,
                rise: &ld * sl,
                cap: &ln * weight(scaled, uniform, *u),
                count: *c,
            })
            .collect();
        horizon::first_fill(&terms, &(&self.cost * &ld))
    }
}

/// Candidate `ci`, whose supporters (`buckets`) hold `held` in all, cannot be afforded and is
/// dropped for good in this run; with more money it could compete again.
///
/// Without a reach the horizon ends where the upper bound of that money could reach its cost.
/// With one, the candidate becomes a [`Ghost`] that the caller checks against every later pick.
pub(super) fn keep_unaffordable(
    h: &mut Horizon,
    st: &State,
    ci: usize,
    held: &BigInt,
    buckets: &[Bucket],
) -> Option<Ghost> {
    if !h.active() {
        return None;
    }
    let cost = st.cost.get(ci)?;
    if st.reach.is_some()
        && let Some(limit) = h.limit()
        && surely_unaffordable_before(st, cost - held, buckets, limit.to_f64())
    {
        return None;
    }
    let rise = slope_sum(st, buckets);
    if st.reach.is_none() {
        h.keep(held, &rise, cost, zero());
        return None;
    }
    Ghost::new(st, ci, held, &rise).filter(|g| h.would_lower(&g.afford))
}

/// Whether the upper bound of the money of `buckets`, `gap` (in units) short of a cost, surely
/// stays short of it for t below `limit`, by a float test with a wide margin (`false` when
/// unsure).
pub(super) fn surely_unaffordable_before(
    st: &State,
    gap: BigInt,
    buckets: &[Bucket],
    limit: f64,
) -> bool {
    let (mut rise, mut size) = (0.0f64, 0.0f64);
    for b in buckets {
        let x = st
            .slope_approx
            .get(b.cls as usize)
            .copied()
            .unwrap_or(f64::NAN)
            * b.count as f64;
        rise += x;
        size += x.abs();
    }
    let gap = ratio_to_f64(&gap, &st.unit);
    let rise_hi = rise + frac::MARGIN * size;
    if !(gap.is_finite() && rise_hi.is_finite() && limit.is_finite()) || gap <= 0.0 {
        return false;
    }
    let m = frac::MARGIN;
    rise_hi <= 0.0 || gap * (1.0 - m) >= rise_hi * limit * (1.0 + m)
}
