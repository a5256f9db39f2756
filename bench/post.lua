-- wrk script: POST an Outlign create body (company_id from the environment).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"title": "Bench Client", "company_id": ' .. os.getenv("BENCH_COMPANY_ID") .. '}'
