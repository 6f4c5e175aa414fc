import sim, time, sys
from tests.helpers import baseline
days=int(sys.argv[1]) if len(sys.argv)>1 else 10
extra=dict(a.split("=") for a in sys.argv[2:])
def conv(v):
    if v in ("true","false"): return v=="true"
    try: return float(v)
    except ValueError: return v
extra={k.replace(".","__"):conv(v) for k,v in extra.items()}
for pol in ["aht","volume","quality"]:
    t=time.time()
    r=sim.run(baseline(calendar__days=days, policy__name=pol, **extra),1)
    k=r.kpis
    print(pol, "%.1fs"%(time.time()-t), {x: round(float(k[x]),3) for x in ["service_level","abandonment_rate","aht","fcr","failure_demand_share","csat","paid_hours","staffed_hours","shrinkage","unfilled_shift_hours","labour_share","cost","profit","profit_after_churn","mean_skill","coaching_shortfall","team_leaders","occupancy","attrition_rate_annual","mean_experience","offers","conversion_rate","sales"]})

def intervals(pol="aht"):
    r=sim.run(baseline(calendar__days=2, policy__name=pol, shifts__enabled=True),1)
    it=r.intervals[r.intervals.day==1]
    import tomllib
    sched=tomllib.load(open("experiments/scenarios/baseline.toml","rb"))["staffing"]["schedule"]
    from sim.metrics.runner import build_model
    m=build_model(baseline(calendar__days=2, policy__name=pol, shifts__enabled=True),1)
    rota=m.behavior.workforce.rota
    from sim.engine.shifts import coverage, heads_needed
    cov=coverage(rota.shifts, 48)
    print("team", len(m.staffing.employees), "shifts", len(rota.shifts), "share", rota.available_share)
    for k,(a,b,c) in enumerate(zip(it.staffed.round(1), sched, cov)): print(k, a, b, c)
