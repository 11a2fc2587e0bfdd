//! Buying a candidate: each supporter pays min(money, ρ·u) and moves to a new class.

use super::*;

/// Charges the supporters of `ci` min(money, ρ·util) and moves them to their new classes.
pub(super) fn pay(setup: &Setup, st: &mut State, ci: usize, ev: &Eval) -> Pick {
    // Each fully paying supporter pays (need + need1·t)·U/s: refine the unit so that both
    // parts are integers.
    let g = gcd_with_small(&ev.need, &ev.s);
    let g = if st.tracking() {
        gcd_with_small(&ev.need1, &g)
    } else {
        g
    };
    let (f, cap_unit, cap_slope) = if g.is_zero() {
        (BigInt::one(), BigInt::zero(), BigInt::zero())
    } else {
        (&ev.s / &g, &ev.need / &g, &ev.need1 / &g)
    };
    st.refine(&f);
    let scaled = setup.scaled.get(ci).map(Vec::as_slice).unwrap_or(&[]);
    let one = BigInt::one();
    // (old class, utility) → index into `trans`: (new class, payment, voters, old class).
    let mut trans: Vec<(u32, BigInt, u64, u32)> = Vec::new();
    let mut memo: HashMap<(u32, u32), usize> = HashMap::new();
    let uniform = scaled.len() <= 1;
    // Old class → 1 + index into `trans` (`st.trans_of`), for the common case of one utility.
    if uniform && st.trans_of.len() < st.val.len() {
        st.trans_of.resize(st.val.len(), 0);
    }
    for &(grp, u, m) in setup.supporters_of(ci) {
        let Some(cls) = st.group_class.get(grp as usize).copied() else {
            continue;
        };
        if cls == 0 {
            continue;
        }
        let known = if uniform {
            st.trans_of
                .get(cls as usize)
                .filter(|&&i| i > 0)
                .map(|&i| i as usize - 1)
        } else {
            memo.get(&(cls, u)).copied()
        };
        let idx = match known {
            Some(i) => i,
            None => {
                // With one utility the water-filling counted voters, not utility, and the cap
                // is the same for every class: no product to make.
                let (cap, cap_slope) = if uniform {
                    (Cow::Borrowed(&cap_unit), Cow::Borrowed(&cap_slope))
                } else {
                    let util = scaled.get(u as usize).unwrap_or(&one);
                    (Cow::Owned(&cap_unit * util), Cow::Owned(&cap_slope * util))
                };
                st.catch_up(cls);
                // What is left after paying ρ·u; negative when the voter pays all it has.
                let left = st.val(cls) - cap.as_ref();
                let pays_all = left.is_negative();
                // The bound of what is left after paying the lower bound of ρ·u: exact at t = 0,
                // and over the reach the chord of a convex function (see `leftover_slope`).
                let slope = if st.tracking() {
                    st.leftover_slope(&left, st.slope(cls) - cap_slope.as_ref())
                } else {
                    BigInt::zero()
                };
                // The lower bound: a supporter who pays ρ·u pays at most what it pays now, as ρ
                // only falls; one who pays all it has keeps at least nothing.
                let (lslope, payment, left) = if pays_all {
                    (BigInt::zero(), st.val(cls).clone(), BigInt::zero())
                } else {
                    (st.lslope(cls).clone(), cap.into_owned(), left)
                };
                let new = st.intern(left, slope, lslope);
                trans.push((new, payment, 0, cls));
                let i = trans.len() - 1;
                if uniform {
                    if let Some(d) = st.trans_of.get_mut(cls as usize) {
                        *d = trans.len() as u32;
                    }
                } else {
                    memo.insert((cls, u), i);
                }
                i
            }
        };
        if let Some(t) = trans.get_mut(idx) {
            t.2 += m;
            let to = t.0;
            st.move_group(grp as usize, to);
        }
    }
    for t in &trans {
        if let Some(d) = st.trans_of.get_mut(t.3 as usize) {
            *d = 0;
        }
    }
    let mut payers = 0;
    let mut min_pay: Option<&BigInt> = None;
    let mut max_pay: Option<&BigInt> = None;
    for (_, payment, count, _) in &trans {
        if !payment.is_positive() || *count == 0 {
            continue;
        }
        payers += count;
        if min_pay.is_none_or(|m| payment < m) {
            min_pay = Some(payment);
        }
        if max_pay.is_none_or(|m| payment > m) {
            max_pay = Some(payment);
        }
    }
    Pick {
        ci,
        rho: ev.rho.clone(),
        payers,
        min_pay: min_pay.cloned().unwrap_or_default(),
        max_pay: max_pay.cloned().unwrap_or_default(),
        // ρ is the level at which the payments come to the cost exactly.
        total_pay: {
            st.catch_up_cost(ci);
            st.cost.get(ci).cloned().unwrap_or_default()
        },
        unit: st.unit.clone(),
    }
}

/// gcd(a, b) where b is small and a may be long: a is reduced modulo b first, as the binary gcd
/// on a long number costs the square of its length.
pub(super) fn gcd_with_small(a: &BigInt, b: &BigInt) -> BigInt {
    if b.is_zero() { a.abs() } else { (a % b).gcd(b) }
}

/// Replays the picks of a run from share `b0` and returns what each voter paid in round
/// `round` (0-based) for every supporter of that round's project.
pub(crate) fn replay_payments(
    sp: &SatProfile,
    b0: &Q,
    picks: &[(usize, Money)],
    round: usize,
) -> Option<Vec<(usize, Money)>> {
    let mut money = vec![b0.clone(); sp.n_groups()];
    let mut paid_in_round: Vec<Option<Q>> = vec![None; sp.n_groups()];
    for (k, (project, rho)) in picks.iter().enumerate().take(round + 1) {
        let rho = Q::from_money(rho);
        for g in 0..sp.n_groups() {
            let Some(&(_, u)) = sp.items(g).iter().find(|(p, _)| *p as usize == *project) else {
                continue;
            };
            let util = sp.util(u);
            if !util.is_positive() {
                continue;
            }
            let Some(b) = money.get_mut(g) else { continue };
            let payment = b.min_ref(&rho.mul(util)).clone();
            *b = b.sub(&payment);
            if k == round
                && let Some(slot) = paid_in_round.get_mut(g)
            {
                *slot = Some(payment);
            }
        }
    }
    let out = sp
        .voter_group
        .iter()
        .enumerate()
        .filter_map(|(i, &g)| {
            paid_in_round
                .get(g as usize)
                .and_then(|p| p.as_ref())
                .map(|p| (i, p.to_big()))
        })
        .collect();
    Some(out)
}
