from ninja import NinjaAPI

api = NinjaAPI(title="Mitra API", version="1", urls_namespace="api")
