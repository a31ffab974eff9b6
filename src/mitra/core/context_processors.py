def mitra(request):
    return {}
