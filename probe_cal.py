import sim, sys
from tests.helpers import baseline
days=int(sys.argv[1]); pols=sys.argv[2].split(",")
extra={}
for a in sys.argv[3:]:
    k,v=a.split("="); 
    try: v=float(v)
    except ValueError: pass
    extra[k.replace(".","__")]=v
keys=["service_level","abandonment_rate","aht","fcr","failure_demand_share","attrition_rate_annual","labour_share","shrinkage","occupancy","csat","nps","mean_experience","conversion_rate","sales","offers","churned_customers","profit","profit_after_churn","cost","paid_hours","mean_skill","mean_stress","mean_engagement","unfilled_shift_hours","coaching_shortfall"]
import pandas as pd
rows={}
for pol in pols:
    r=sim.run(baseline(calendar__days=days, policy__name=pol, **extra),1)
    rows[pol]={k: r.kpis[k] for k in keys}
    rows[pol]["calls/cust/yr"]=r.kpis["offered"]/r.scenario.customers.population*260/days
print(pd.DataFrame(rows).round(3).to_string())
